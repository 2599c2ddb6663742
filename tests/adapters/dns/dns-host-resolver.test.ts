import { describe, expect, it } from 'vitest';
import { createDnsHostResolver } from '../../../src/adapters/dns/dns-host-resolver.ts';
import { isLoopbackAddress } from '../../../src/domain/shared/internal-address.ts';

describe('the system host resolver', () => {
  it('answers every address of a name from the hosts file, and null for a name that cannot exist', async () => {
    const resolve = createDnsHostResolver({ timeoutMs: 3_000 });
    const local = await resolve('localhost');
    expect(local!.length).toBeGreaterThan(0);
    expect(local!.every(isLoopbackAddress)).toBe(true);
    // .invalid never resolves (RFC 6761); without a network the resolver's failure is null too
    expect(await resolve('no-such-host.invalid')).toBeNull();
  });
});
