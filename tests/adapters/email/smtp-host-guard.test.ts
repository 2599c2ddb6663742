import { describe, expect, it } from 'vitest';
import { createSmtpHostGuard, isInternalAddress } from '../../../src/adapters/email/smtp-host-guard.ts';

describe("a tenant's SMTP host", () => {
  it('internal addresses are recognised, IPv4, IPv6 and IPv4 written as IPv6', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(isInternalAddress(address), address).toBe(false);
    }
  });

  it('the guard refuses an internal address for good, naming it, and lets it through when told to', async () => {
    const guard = createSmtpHostGuard({ allowInternal: false });
    await expect(guard('169.254.169.254')).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('internal address (169.254.169.254)') });
    await expect(guard('localhost')).rejects.toMatchObject({ retryable: false });
    await expect(guard('8.8.8.8')).resolves.toBeUndefined();
    await expect(createSmtpHostGuard({ allowInternal: true })('127.0.0.1')).resolves.toBeUndefined();
  });
});
