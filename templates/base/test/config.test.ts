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

  it('CONN-1: the headers timeout must outlast the keep-alive timeout', () => {
    expect(() =>
      loadConfig({ KEEP_ALIVE_TIMEOUT_MS: '70000', HEADERS_TIMEOUT_MS: '5000' }),
    ).toThrow(
      'Invalid setting HEADERS_TIMEOUT_MS="5000": must be greater than KEEP_ALIVE_TIMEOUT_MS',
    );
  });
});
