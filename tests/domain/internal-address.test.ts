import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { isInternalAddress, isIpAddress, isLocalhostName, isLoopbackAddress } from '../../src/domain/shared/internal-address.ts';

/** The rule as ipaddr.js states it (general unicast is public; IPv4 carried in IPv6 judged as that IPv4): an independent oracle. */
function byIpaddr(address: string): boolean {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() !== 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  const groups = v6.parts;
  const range = v6.range();
  const carries = ['ipv4Mapped', 'rfc6145', 'rfc6052'].includes(range) || groups.slice(0, 6).every((g) => g === 0);
  if (carries) return ipaddr.fromByteArray(v6.toByteArray().slice(12)).range() !== 'unicast';
  return range !== 'unicast';
}

describe('internal addresses (the domain rule shared by SMTP hosts and webhooks)', () => {
  it('property: any IPv4 address gets the verdict ipaddr.js gives', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(isInternalAddress(address), address).toBe(byIpaddr(address));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any IPv6 address, random or near a special block, gets the verdict ipaddr.js gives', () => {
    const group = fc.nat(0xffff);
    const near = fc.tuple(
      fc.constantFrom([0x2001, 0], [0x2001, 0x1ff], [0x2001, 0x200], [0x2001, 0xdb8], [0x2002], [0x3fff], [0x3fff, 0x1000], [0x5f00], [0x2620, 0x4f, 0x8000], [0x64, 0xff9b, 0], [0x64, 0xff9b, 1], [0x100, 0, 0, 0], [0xfec0], [0xfeff], [0xfe7f], [0xfbff], [0, 0, 0, 0, 0, 0xffff], [0, 0, 0, 0, 0xffff, 0], [0, 0, 0, 0, 0, 0]),
      fc.array(group, { minLength: 8, maxLength: 8 }),
    ).map(([prefix, rest]) => [...prefix, ...rest.slice(prefix.length)]);
    fc.assert(
      fc.property(fc.oneof(fc.array(group, { minLength: 8, maxLength: 8 }), near), (groups) => {
        const address = groups.map((g) => g.toString(16)).join(':');
        expect(isInternalAddress(address), address).toBe(byIpaddr(address));
        expect(isInternalAddress(ipaddr.parse(address).toString()), address).toBe(byIpaddr(address));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads IPv6 shortening, dotted tails, zones and brackets; refuses what is not an address', () => {
    for (const address of ['::', '::1', '[::1]', 'fe80::1%eth0', '::ffff:10.0.0.1', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '0:0:0:0:0:ffff:1.2.3.4']) expect(isIpAddress(address), address).toBe(true);
    for (const text of ['localhost', '127.1', '0x7f.0.0.1', '256.0.0.1', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '1.2.3.4::', '::1.2.3', '12345::', 'fe80::1%', '']) {
      expect(isIpAddress(text), text).toBe(false);
      expect(() => isInternalAddress(text), text).toThrow(TypeError);
    }
  });

  it('loopback is 127/8 and ::1 as written; localhost names are this machine', () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1']) expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['::ffff:127.0.0.1', '10.0.0.1', '::', 'localhost']) expect(isLoopbackAddress(address), address).toBe(false);
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost']) expect(isLocalhostName(host), host).toBe(true);
    for (const host of ['notlocalhost', 'localhost.example.com', 'localhost-1', '127.0.0.1']) expect(isLocalhostName(host), host).toBe(false);
  });
});
