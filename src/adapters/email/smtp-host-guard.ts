import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RemoteError } from '../../ports/remote-error.ts';
import type { SmtpHostPolicy } from '../../ports/smtp-host-policy.ts';
import { isInternalAddress } from '../../domain/shared/internal-address.ts';

/**
 * Addresses a tenant's SMTP server may not be: the platform's own network (server-side
 * request forgery otherwise). The rule is the domain's, shared with the webhooks.
 */
export { isInternalAddress };

type Lookup = (host: string) => Promise<string[]>;

const systemLookup: Lookup = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** What a host resolves to, judged: the addresses, those that are internal, or why it did not resolve. */
async function judge(host: string, resolve: Lookup): Promise<{ addresses: string[]; internal: string[] } | { unresolved: string }> {
  // An IP literal (also in brackets) is judged as written, never handed to the resolver,
  // which would read forms such as 127.1 or 0x7f.1 its own way.
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  let addresses: string[];
  if (isIP(literal) !== 0) addresses = [literal];
  else if (ipaddr.isValid(literal)) addresses = [ipaddr.parse(literal).toString()];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      return { unresolved: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
    if (addresses.length === 0) return { unresolved: 'ENODATA' };
  }
  return { addresses, internal: addresses.filter(isInternalAddress) };
}

/** Resolves to the address to connect to (null: connect by name), or throws. */
export type SmtpHostGuard = (host: string) => Promise<string | null>;

/**
 * Checks a tenant's SMTP host before mail goes to it: every address it resolves to must be
 * public, and the mail then goes to the address checked (not to a second lookup, which a
 * tenant's DNS could answer with an internal address). `allowInternal` is for development
 * and tests, where the tenant's server is local.
 */
export function createSmtpHostGuard(options: { allowInternal: boolean; lookup?: Lookup }): SmtpHostGuard {
  const resolve = options.lookup ?? systemLookup;
  return async (host) => {
    if (options.allowInternal) return null;
    const verdict = await judge(host, resolve);
    if ('unresolved' in verdict) throw new RemoteError('smtp', `the account's SMTP host ${host} does not resolve: ${verdict.unresolved}`, true);
    if (verdict.internal.length > 0) {
      throw new RemoteError('smtp', `the account's SMTP host ${host} is an internal address (${verdict.internal.join(', ')}); an account's own mail server must be reachable on the internet`, false);
    }
    return verdict.addresses[0]!;
  };
}

/** Names the resolver says do not exist (as opposed to a resolver that could not answer now). */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * The same rule, applied when the settings are given (`PUT …/smtp`), so a tenant hears at
 * once that its server cannot be used rather than when the first mail fails. A name the
 * resolver cannot look up right now is let through: the guard checks again before each mail.
 */
export function createSmtpHostPolicy(options: { allowInternal: boolean; lookup?: Lookup }): SmtpHostPolicy {
  const resolve = options.lookup ?? systemLookup;
  return async (host) => {
    if (options.allowInternal) return null;
    const verdict = await judge(host, resolve);
    if ('unresolved' in verdict) return NO_SUCH_NAME.has(verdict.unresolved) ? `does not resolve (${verdict.unresolved}): give the SMTP server's public host name or address` : null;
    if (verdict.internal.length > 0) {
      return `is an internal address (${verdict.internal.join(', ')}): an account's own mail server must be reachable on the internet (ACCOUNT_SMTP_INTERNAL_HOSTS)`;
    }
    return null;
  };
}
