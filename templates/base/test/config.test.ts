import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('settings', () => {
  it('RUN-3: every setting has a working default', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.http.keepAliveTimeoutMs).toBeGreaterThan(60_000);
  });

  it('RUN-3: an empty variable means the default', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it('RUN-3: a bad value is one line naming the variable and what it takes', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      'Invalid setting PORT="eighty": takes a whole number from 0 to 65535',
    );
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/^Invalid setting LOG_LEVEL="loud"/);
  });

  it('CONN-2: the default timeouts are ones node:http accepts', () => {
    const { http } = loadConfig({});
    const options = {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
    };
    expect(() => createServer(options)).not.toThrow();
  });

  it('CONN-2: a headers timeout above the request timeout is one line naming both', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '30000', HEADERS_TIMEOUT_MS: '66000' })).toThrow(
      'Invalid setting HEADERS_TIMEOUT_MS="66000": must not be above REQUEST_TIMEOUT_MS (30000)',
    );
  });

  it('WORK-3, WORK-4: one worker per core by default, recycling off, jitter a tenth of the limit', () => {
    const { cluster } = loadConfig({});
    expect(cluster.workers).toBe(availableParallelism());
    expect(cluster.maxRequests).toBe(0);
    expect(cluster.maxRssBytes).toBe(0);
    expect(loadConfig({ MAX_REQUESTS_PER_WORKER: '1000' }).cluster.maxRequestsJitter).toBe(100);
  });

  it('WORK-3: PORT=0 with more than one worker is one line saying what to set', () => {
    expect(() => loadConfig({ PORT: '0', WEB_CONCURRENCY: '2' })).toThrow(
      'Invalid setting PORT="0": must not be 0 with more than one worker; set a port, or WEB_CONCURRENCY=1',
    );
    expect(loadConfig({ PORT: '0', WEB_CONCURRENCY: '1' }).port).toBe(0);
  });

  it('RUN-2: the shutdown delay and drain must fit in the shutdown timeout', () => {
    expect(() => loadConfig({ SHUTDOWN_DELAY_MS: '10000', DRAIN_TIMEOUT_MS: '8000' })).toThrow(
      /^Invalid setting SHUTDOWN_TIMEOUT_MS: must be above SHUTDOWN_DELAY_MS \+ DRAIN_TIMEOUT_MS \(18000\)/,
    );
    expect(loadConfig({ SHUTDOWN_DELAY_MS: '0' }).shutdownDelayMs).toBe(0);
  });
});
