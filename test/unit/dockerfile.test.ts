// RUN-4: the Dockerfile of every covering set: a pinned base image, a HEALTHCHECK, and code
// the runtime user cannot rewrite. Read as text: the test machine has no Docker daemon.

import { describe, expect, it } from 'vitest';
import { contentOf, coveringSets, generateOnce } from '../helpers/answers.js';

const runtimeStage = (dockerfile: string) => dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

describe.each(coveringSets())('the Dockerfile of $id', ({ answers }) => {
  const dockerfile = async () => contentOf(await generateOnce('docker-app', answers), 'Dockerfile');

  it('pins every base image to one Node release', async () => {
    const images = [...(await dockerfile()).matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(images).toHaveLength(2);
    for (const image of images)
      expect(image).toMatch(/^node:\d+\.\d+\.\d+-slim(@sha256:[0-9a-f]{64})?$/);
  });

  it('has a HEALTHCHECK that asks /health', async () => {
    expect(runtimeStage(await dockerfile())).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
  });

  it("leaves the code to root: no copy is chowned, /app is not the runtime user's", async () => {
    const stage = runtimeStage(await dockerfile());
    for (const copy of stage.match(/^COPY .*/gm) ?? []) expect(copy).not.toContain('--chown');
    expect(stage).not.toMatch(/chown\S* .*\/app\b/);
    expect(stage).toMatch(/^USER node$/m);
    // only the folders the app writes in are the runtime user's
    const owned = [...stage.matchAll(/install -d -o node -g node (\S+)/g)].map((m) => m[1]);
    const expected = [
      ...(answers.streaming ? ['files'] : []),
      ...(answers.db === 'postgres' ? ['data'] : []),
    ];
    expect(owned.sort()).toEqual(expected.sort());
  });
});
