import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

// bytes that look random but are the same on every run: a file gzip and brotli cannot shrink
function noise(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let state = 0x2545f491;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

function catalog(): string {
  const rows = Array.from({ length: 500 }, (_, i) => ({
    id: i + 1,
    name: `Sample item ${i + 1}`,
    tags: ['sample', i % 2 ? 'odd' : 'even'],
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

const samples: Record<string, () => string | Buffer> = {
  'hello.txt': () => 'Hello from the files folder. Try a Range header on /files/sample.bin.\n',
  'catalog.json': catalog,
  'sample.bin': () => noise(1024 * 1024),
};

/**
 * STREAM-1: the download folder; made with a few samples when it does not exist yet or is
 * empty (the Dockerfile makes it, for the runtime user). A folder that cannot be made (a
 * read-only file system) is reported, and downloads answer 404.
 */
export async function ensureFilesFolder(dir: string, logger: Logger): Promise<void> {
  try {
    const created = await mkdir(dir, { recursive: true });
    if (created === undefined && (await readdir(dir)).length > 0) return;
    for (const [name, make] of Object.entries(samples)) await writeFile(join(dir, name), make());
    logger.info({ dir }, 'files: made the download folder with a few samples');
  } catch (error) {
    logger.warn({ err: error, dir }, 'files: cannot make the download folder; set FILES_DIR');
  }
}
