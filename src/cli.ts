#!/usr/bin/env node
// The CLI's entry. Node.js 22.1+ keeps the code it compiles on disk (in the system's temp
// folder, or NODE_COMPILE_CACHE) and reuses it: turned on before the rest of the CLI loads, so
// that every run after the first skips compiling it. Node.js 20 has no such cache.

import module from 'node:module';

const { enableCompileCache } = module as { enableCompileCache?: () => unknown };
enableCompileCache?.();
await import('./run.js');
