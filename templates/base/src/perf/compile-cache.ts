import module from 'node:module';

/**
 * Start-up: Node.js 22.1+ keeps the code it compiles on disk and reuses it at the next start,
 * so a restart, a recycled worker (WORK-4) or a replaced one skips compiling the framework and
 * its dependencies again (compiling is about a tenth of a worker's start). main.ts imports this
 * first: the modules loaded after it are cached. Node.js 20 has no such cache.
 *
 * The cache goes where NODE_COMPILE_CACHE says, or to the system's temp folder;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
const { enableCompileCache } = module as { enableCompileCache?: () => unknown };
enableCompileCache?.();
