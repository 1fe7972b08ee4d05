import { describe, expect, it } from 'vitest';
import { bindErrorMessage, formatHostPort, resolveListen, splitHostPort } from '../../src/proxy/listen-address.js';

describe('listen addresses, read as Go reads them', () => {
  it('splits host and port like net.SplitHostPort, with its messages', () => {
    expect(splitHostPort('localhost:3310')).toEqual({ host: 'localhost', port: '3310' });
    expect(splitHostPort('[::1]:80')).toEqual({ host: '::1', port: '80' });
    expect(splitHostPort(':0')).toEqual({ host: '', port: '0' });
    const fails: [string, string][] = [
      ['local373', 'address local373: missing port in address'],
      ['a:b:c', 'address a:b:c: too many colons in address'],
      ['[::1', "address [::1: missing ']' in address"],
      ['[::1]', 'address [::1]: missing port in address'],
      ['[::1]x:80', 'address [::1]x:80: missing port in address'],
      ['a[b:80', "address a[b:80: unexpected '[' in address"],
      ['a]b:80', "address a]b:80: unexpected ']' in address"],
    ];
    for (const [input, message] of fails) expect(() => splitHostPort(input), input).toThrow(message);
  });

  it('resolves localhost to IPv4, keeps IPs, and reports bad ports and hosts', async () => {
    expect(await resolveListen('localhost:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(await resolveListen('127.0.0.1:3310')).toEqual({ host: '127.0.0.1', port: 3310 });
    expect(await resolveListen('')).toEqual({ host: '', port: 0 });
    await expect(resolveListen('127.0.0.1:99999')).rejects.toThrow('address 127.0.0.1:99999: invalid port');
    await expect(resolveListen('127.0.0.1:http')).rejects.toThrow('lookup tcp/http: unknown port');
  });

  it('formats addresses and bind errors as Go does', () => {
    expect(formatHostPort('::', 80)).toBe('[::]:80');
    expect(formatHostPort('', 80)).toBe(':80');
    const err = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(bindErrorMessage(err, { host: '127.0.0.1', port: 3310 })).toBe('listen tcp 127.0.0.1:3310: bind: address already in use');
  });
});
