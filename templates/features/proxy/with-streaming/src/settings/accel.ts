import * as v from 'valibot';
import type { Env } from '../config.js';

export const urlPrefix = v.pipe(v.string(), v.regex(/^\/[\w/-]*\/$/, 'takes a path like /_files/'));

/** STREAM-5: downloads the app allows are sent by nginx from this internal location */
export function accelSettings(e: Env) {
  return { accelPrefix: e.FILES_ACCEL_PREFIX };
}
