import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { RemoteError } from '../../ports/remote-error.ts';

/**
 * Addresses a tenant's SMTP server may not be: the platform's own network. Without this an
 * account could point "its mail server" at an internal service and have the platform talk
 * to it (server-side request forgery).
 */
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(net, prefix, 'ipv6');
}

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  // IPv4 written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 it is
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return internal.check(mapped, 'ipv4');
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Resolves to the address to connect to (null: connect by name), or throws. */
export type SmtpHostGuard = (host: string) => Promise<string | null>;

/**
 * Checks a tenant's SMTP host before mail goes to it: every address it resolves to must be
 * public, and the mail then goes to the address checked (not to a second lookup, which a
 * tenant's DNS could answer with an internal address). `allowInternal` is for development
 * and tests, where the tenant's server is local.
 */
export function createSmtpHostGuard(options: { allowInternal: boolean }): SmtpHostGuard {
  return async (host) => {
    if (options.allowInternal) return null;
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    } catch (error) {
      throw new RemoteError('smtp', `the account's SMTP host ${host} does not resolve: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, true);
    }
    const refused = addresses.filter(isInternalAddress);
    if (refused.length > 0) {
      throw new RemoteError('smtp', `the account's SMTP host ${host} is an internal address (${refused.join(', ')}); an account's own mail server must be reachable on the internet`, false);
    }
    return addresses[0]!;
  };
}
