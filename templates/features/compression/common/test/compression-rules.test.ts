import { describe, expect, it } from 'vitest';
import { chooseCoding, isCompressible } from '../src/perf/compression.js';

// the rules on their own; test/compression*.test.ts check them over HTTP

describe('COMP-1: choosing a coding from Accept-Encoding', () => {
  it.each([
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['gzip, br;q=0.5', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0', undefined],
    ['br;q=0, gzip;q=0', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['*', 'gzip'],
    ['*;q=0', undefined],
    ['x-gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['', undefined],
    [undefined, undefined],
  ])('Accept-Encoding %j chooses %j', (header, expected) => {
    expect(chooseCoding(header, ['br', 'gzip'])).toBe(expected);
  });

  it('offers only the configured codings', () => {
    expect(chooseCoding('br', ['gzip'])).toBeUndefined();
    expect(chooseCoding('br, gzip', ['gzip'])).toBe('gzip');
  });
});

describe('COMP-3: which types are compressed', () => {
  it.each([
    'application/json; charset=utf-8',
    'application/problem+json',
    'application/x-ndjson',
    'text/plain',
    'text/html; charset=utf-8',
    'text/css',
    'text/javascript',
    'application/javascript',
    'image/svg+xml',
    'application/xml',
    'application/atom+xml',
  ])('%s is compressed', (type) => {
    expect(isCompressible(type)).toBe(true);
  });

  it.each([
    'image/png',
    'image/jpeg',
    'image/webp',
    'video/mp4',
    'audio/mpeg',
    'application/zip',
    'application/gzip',
    'application/octet-stream',
    'font/woff2',
    'text/event-stream',
    'application/jsonx',
    undefined,
  ])('%s is not', (type) => {
    expect(isCompressible(type)).toBe(false);
  });
});
