import { describe, expect, it } from 'vitest';
import { checkTransport, isLoopbackHost, sendsPasswordInClear } from '../../../src-shared/sync/transport';

describe('sync transport: when the password would cross the network unencrypted', () => {
  it.each([
    'http://127.0.0.1:5984',
    'http://127.8.9.10/couch',
    'http://127.1:5984',
    'http://2130706433/',
    'http://localhost:5984',
    'http://LOCALHOST.:5984',
    'http://sync.localhost/',
    'http://[::1]:5984',
    'http://[::ffff:127.0.0.1]:5984',
    'https://couch.centre.example',
    'https://192.168.1.4:6984',
    'not a url',
  ])('%s: no confirmation needed', (url) => {
    expect(sendsPasswordInClear(url)).toBe(false);
    expect(checkTransport(url, undefined)).toBe('');
  });

  it.each([
    'http://192.168.1.4:5984',
    'http://couch.centre.lan',
    'http://10.0.0.1',
    'http://128.0.0.1',
    'http://[::2]:5984',
    'http://localhost.evil.example',
    'http://127.0.0.1.nip.io',
    'http://0.0.0.0:5984',
    ' http://couch.example.org/ ',
  ])('%s: needs the confirmation', (url) => {
    expect(sendsPasswordInClear(url)).toBe(true);
    expect(checkTransport(url, undefined)).toMatch(/unencrypted.*Send my password unencrypted/);
    expect(checkTransport(url, false)).not.toBe('');
    expect(checkTransport(url, true)).toBe('');
  });

  it('isLoopbackHost takes URL.hostname forms', () => {
    expect(isLoopbackHost(new URL('http://127.0.0.1/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://[::1]/').hostname)).toBe(true);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('example.org')).toBe(false);
  });
});
