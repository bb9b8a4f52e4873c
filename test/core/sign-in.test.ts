import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { signInDelayMs } from '../../core/sign-in.ts';

describe('the sign-in delay', () => {
  it('doubles from the base with each attempt past the free ones and stops at a few seconds', () => {
    const config = loadConfig({});
    const delays = Array.from({ length: 40 }, (_, i) => signInDelayMs(i, config));
    expect(delays.slice(0, 7)).toEqual([0, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(Math.max(...delays)).toBe(5000);
    expect(signInDelayMs(1_000_000, config)).toBe(5000);
    expect(signInDelayMs(-3, config)).toBe(0);
  });
});

describe('TRUST_PROXY', () => {
  it('takes a hop count or a list of proxies, and nothing else', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe('1');
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, 192.168.1.7' }).TRUST_PROXY).toBeDefined();
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example.kz' })).toThrow(/TRUST_PROXY/);
  });
});
