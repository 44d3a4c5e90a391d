import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ensureFilesFolder } from '../files/samples.js';
import { FileStore, type FileStoreOptions } from '../perf/files.js';
import { SampleStreams } from '../perf/streams.js';

/** what the downloads take from other options: compression and a proxy in front */
export type DownloadOptions = Pick<FileStoreOptions, 'siblings' | 'compressible' | 'accelPrefix'>;

/** STREAM-1..6, HTTP-4: file downloads, static assets and the sample streams */
export async function setupStreaming(
  config: Config,
  logger: Logger,
  { siblings, compressible, accelPrefix }: DownloadOptions = {},
) {
  await ensureFilesFolder(config.streaming.filesDir, logger);
  // STREAM-1..3, STREAM-6: downloads may be per user: browsers keep them, shared caches do not
  const files = new FileStore({
    root: config.streaming.filesDir,
    cacheControl: 'private, no-cache',
    siblings,
    compressible,
    accelPrefix,
  });
  // HTTP-4: a hashed name never changes content, so browsers may keep it a year unasked
  const assets = new FileStore({
    root: config.streaming.assetsDir,
    cacheControl: 'public, no-cache',
    hashedCacheControl: 'public, max-age=31536000, immutable',
    siblings,
    compressible,
    trusted: true,
  });
  const streams = new SampleStreams(config.streaming.eventIntervalMs);
  return { files, assets, streams };
}
