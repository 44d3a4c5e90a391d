import type { Answers } from '../options.js';
import { base } from './base.js';
import { cache } from './cache.js';
import { compression } from './compression.js';
import { db } from './db.js';
import { deployment } from './deploy.js';
import { framework } from './framework.js';
import { httpClient } from './http-client.js';
import { jobs } from './jobs.js';
import { profiling } from './profiling.js';
import { proxy } from './proxy.js';
import { streaming } from './streaming.js';
import { tracing, untracedSpans } from './tracing.js';
import type { Feature } from './types.js';
import { workers } from './workers.js';

/** every feature, in the order their layers render and their slot entries are joined */
// tracing comes first: its closer, pushed first, runs last, after every pool has closed
export const features: readonly Feature[] = [
  base,
  framework,
  tracing,
  untracedSpans(() => features),
  cache,
  db,
  httpClient,
  workers,
  jobs,
  profiling,
  compression,
  streaming,
  proxy,
  deployment(() => features),
];

export function activeFeatures(answers: Answers): Feature[] {
  return features.filter((feature) => feature.applies(answers));
}
