import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

// the request line is sent as written: fetch would normalise `..` away before sending
function get(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { path }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const secret = 'TOP-SECRET-CONTENT';

// STREAM-6: every way we know to name a file outside FILES_DIR, or one that must stay hidden
const attempts = [
  '../secret.txt',
  '..%2fsecret.txt',
  '..%2Fsecret.txt',
  '%2e%2e%2fsecret.txt',
  '%2E%2E%2Fsecret.txt',
  '.%2e%2fsecret.txt',
  '%2e.%2fsecret.txt',
  '%2e%2e/secret.txt',
  '..%5csecret.txt',
  '%2e%2e%5csecret.txt',
  '..%255csecret.txt',
  '%252e%252e%252fsecret.txt',
  '..%252fsecret.txt',
  '..%c0%afsecret.txt',
  '%c0%ae%c0%ae%c0%afsecret.txt',
  '%e0%80%ae%e0%80%ae%2fsecret.txt',
  '..%u2215secret.txt',
  '%ef%bc%8e%ef%bc%8e%2fsecret.txt',
  '..%ef%bc%8fsecret.txt',
  '..;%2fsecret.txt',
  '....%2f%2fsecret.txt',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
  '%2fetc%2fpasswd',
  '%2f%2fetc%2fpasswd',
  'C:%5cWindows%5cwin.ini',
  '%5c%5cserver%5cshare%5csecret.txt',
  'file:%2f%2f%2fetc%2fpasswd',
  'hello.txt%2f..%2f..%2fsecret.txt',
  'hello.txt%00',
  'hello.txt%00.png',
  '%00',
  '..',
  '%2e%2e',
  '.',
  '%2e',
  '.env',
  '.hidden',
  'escape.txt',
  'inside%2fsecret.txt',
  'linked-dir',
  'linked-dir%2fsecret.txt',
  'hello.txt%0a',
];

describe('STREAM-6: safe paths', () => {
  let base: string;
  let server: RunningServer;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'safe-paths-'));
    const files = join(base, 'files');
    await mkdir(join(files, 'inside'), { recursive: true });
    await writeFile(join(files, 'hello.txt'), 'hello\n');
    await writeFile(join(files, '.env'), secret);
    await writeFile(join(files, '.hidden'), secret);
    await writeFile(join(files, 'inside', 'secret.txt'), secret);
    await writeFile(join(base, 'secret.txt'), secret);
    // symlinks out of the folder: to a file and to a directory
    await symlink(join(base, 'secret.txt'), join(files, 'escape.txt'));
    await symlink(base, join(files, 'linked-dir'));
    server = await start({ FILES_DIR: files });
  });
  afterAll(async () => {
    await server.close();
    await rm(base, { recursive: true, force: true });
  });

  it('STREAM-6: the list has at least 30 spellings', () => {
    expect(attempts.length).toBeGreaterThanOrEqual(30);
  });

  it.each(attempts)(
    'STREAM-6: /files/%s is refused with 400 or 404, never served',
    async (name) => {
      const answer = await get(server.url, `/files/${name}`);
      expect([400, 404]).toContain(answer.status);
      expect(answer.body).not.toContain(secret);
      expect(answer.body).not.toContain('root:');
    },
  );

  it('STREAM-6: an over-long name is refused (Fastify may already say 414 URI Too Long)', async () => {
    const answer = await get(server.url, `/files/${'a'.repeat(300)}`);
    expect([400, 404, 414]).toContain(answer.status);
  });

  it('STREAM-6: a plain name in the folder is still served', async () => {
    const answer = await get(server.url, '/files/hello.txt');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('hello\n');
  });
});
