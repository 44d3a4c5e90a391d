import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

const fromNginx = { 'x-sendfile-type': 'X-Accel-Redirect' };

describe('STREAM-5: downloads handed to nginx', () => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accel-'));
    await writeFile(join(dir, 'report.txt'), 'the report\n');
    await writeFile(join(dir, 'my report.txt'), 'spaces too\n');
    // a file beside the folder, and a link to it from inside
    await writeFile(`${dir}-secret.txt`, 'secret\n');
    await symlink(`${dir}-secret.txt`, join(dir, 'escape.txt'));
    server = await start({ FILES_DIR: dir, FILES_ACCEL_PREFIX: '/_files/' });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}-secret.txt`, { force: true });
  });

  it('STREAM-5: a checked download is handed over with X-Accel-Redirect and no body', async () => {
    const res = await fetch(`${server.url}/files/report.txt`, { headers: fromNginx });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBe('/_files/report.txt');
    expect(await res.text()).toBe('');
    const spaced = await fetch(`${server.url}/files/my%20report.txt`, { headers: fromNginx });
    expect(spaced.headers.get('x-accel-redirect')).toBe('/_files/my%20report.txt');
  });

  it('STREAM-5: without nginx asking, the app sends the file itself', async () => {
    const res = await fetch(`${server.url}/files/report.txt`);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    expect(await res.text()).toBe('the report\n');
  });

  it('STREAM-6: the app checks the name before handing anything over', async () => {
    for (const [name, status] of [
      ['..%2F..%2Fetc%2Fpasswd', 400],
      ['.env', 404],
      ['escape.txt', 404],
      ['missing.txt', 404],
    ] as const) {
      const res = await fetch(`${server.url}/files/${name}`, { headers: fromNginx });
      expect(res.status, name).toBe(status);
      expect(res.headers.get('x-accel-redirect'), name).toBeNull();
    }
  });
});
