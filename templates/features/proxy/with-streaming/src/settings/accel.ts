import { z } from 'zod';
import type { Env } from '../config.js';

export const urlPrefix = z.string().regex(/^\/[\w/-]*\/$/, { error: 'takes a path like /_files/' });

/** STREAM-5: downloads the app allows are sent by nginx from this internal location */
export function accelSettings(e: Env) {
  return { accelPrefix: e.FILES_ACCEL_PREFIX };
}
