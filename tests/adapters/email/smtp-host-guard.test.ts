import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { NodemailerMailer } from '../../../src/adapters/email/nodemailer-mailer.ts';
import { createSmtpHostGuard, createSmtpHostPolicy, isInternalAddress } from '../../../src/adapters/email/smtp-host-guard.ts';
import { startSmtpTestServer } from '../../support/smtp-test-server.ts';

describe("a tenant's SMTP host", () => {
  it('internal addresses are recognised, IPv4, IPv6 and IPv4 written as IPv6', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(isInternalAddress(address), address).toBe(false);
    }
  });

  it('IPv6 spellings of loopback and the other internal ranges are internal (found let through when classified by hand)', () => {
    const internal = [
      '::127.0.0.1',
      '::ffff:0:7f00:1',
      '::ffff:0:127.0.0.1',
      '64:ff9b::7f00:1',
      '64:ff9b::127.0.0.1',
      '64:ff9b::a00:1',
      '64:ff9b:1::7f00:1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:0:0:1',
      '0000:0000:0000:0000:0000:0000:0000:0001',
      '::',
      'fe80::',
      'fe80::1%eth0',
      'fc00::',
      'fec0::1',
      'ff02::1',
      '2002:7f00:1::',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      '2001:db8::25',
      '169.254.0.1',
      '0.0.0.0',
      '0.1.2.3',
      '255.255.255.255',
      '224.0.0.1',
      '192.0.2.25',
      '198.18.0.1',
      '240.0.0.1',
    ];
    for (const address of internal) expect(isInternalAddress(address), address).toBe(true);
    for (const address of ['::ffff:8.8.8.8', '64:ff9b::808:808', '2a00:1450:4001:82b::2005', '1.1.1.1', '100.128.0.25']) expect(isInternalAddress(address), address).toBe(false);
    expect(() => isInternalAddress('mail.example.com')).toThrow(TypeError);
  });

  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  const dotted = ([a, b, c, d]: number[]) => `${a}.${b}.${c}.${d}`;
  const hexPair = ([a, b, c, d]: number[]) => `${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;

  it('property: an IPv4 address carried in IPv6 (mapped, translated, NAT64; dotted or hex) is judged as the IPv4 it is', () => {
    fc.assert(
      fc.property(ipv4, (octets) => {
        const verdict = isInternalAddress(dotted(octets));
        for (const form of [`::ffff:${dotted(octets)}`, `::ffff:${hexPair(octets)}`, `::ffff:0:${dotted(octets)}`, `::ffff:0:${hexPair(octets)}`, `64:ff9b::${dotted(octets)}`, `64:ff9b::${hexPair(octets)}`]) {
          expect(isInternalAddress(form), form).toBe(verdict);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: every address of loopback, private, link-local, carrier-grade NAT and 0/8 is internal, in every spelling', () => {
    const inRange = fc.oneof(
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(0), fc.nat(255), fc.nat(255), fc.nat(255)),
    );
    fc.assert(
      fc.property(inRange, (octets) => {
        for (const form of [dotted(octets), `::ffff:${dotted(octets)}`, `::${dotted(octets)}`, `::ffff:0:${hexPair(octets)}`, `64:ff9b::${hexPair(octets)}`]) {
          expect(isInternalAddress(form), form).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: loopback and the IPv6 internal prefixes are internal whatever the rest of the address', () => {
    const group = fc.nat(0xffff).map((n) => n.toString(16));
    const rest = fc.array(group, { minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(fc.constantFrom(0xfc00, 0xfd00, 0xfe80, 0xfebf, 0xff00, 0xff0e), rest, (prefix, groups) => {
        expect(isInternalAddress([prefix.toString(16), ...groups].join(':'))).toBe(true);
      }),
    );
  });

  it('the rule at PUT time: names are resolved and judged by every address; a name that does not exist is refused, a resolver that cannot answer now is not', async () => {
    const answers: Record<string, string[] | string> = {
      'mail.public.test': ['100.128.0.25', '2a00:1450:4001:82b::2005'],
      'mail.sneaky.test': ['100.128.0.25', '::ffff:10.0.0.1'],
      'mail.gone.test': 'ENOTFOUND',
      'mail.later.test': 'EAI_AGAIN',
    };
    const lookup = async (host: string) => {
      const answer = answers[host];
      if (typeof answer === 'string') throw Object.assign(new Error(answer), { code: answer });
      return answer ?? [];
    };
    const policy = createSmtpHostPolicy({ allowInternal: false, lookup });
    expect(await policy('mail.public.test')).toBeNull();
    expect(await policy('mail.sneaky.test')).toMatch(/^is an internal address \(::ffff:10\.0\.0\.1\)/);
    expect(await policy('mail.gone.test')).toMatch(/^does not resolve \(ENOTFOUND\)/);
    expect(await policy('mail.later.test')).toBeNull();
    // numeric forms a resolver reads its own way are judged as the address they are
    for (const host of ['127.1', '0x7f.1', '2130706433', '[::1]']) expect(await policy(host), host).toMatch(/^is an internal address/);
    // the system resolver, on this machine's own name only
    expect(await createSmtpHostPolicy({ allowInternal: false })('localhost')).toMatch(/^is an internal address/);
    expect(await policy('mail.unanswered.test')).toMatch(/^does not resolve \(ENODATA\)/);
    expect(await createSmtpHostPolicy({ allowInternal: true, lookup })('127.0.0.1')).toBeNull();
    // the send-time guard applies the same judgement
    const guard = createSmtpHostGuard({ allowInternal: false, lookup });
    await expect(guard('mail.sneaky.test')).rejects.toMatchObject({ retryable: false });
    await expect(guard('mail.public.test')).resolves.toBe('100.128.0.25');
  });

  it('the guard refuses an internal address for good, naming it, and lets it through when told to', async () => {
    const guard = createSmtpHostGuard({ allowInternal: false });
    await expect(guard('169.254.169.254')).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('internal address (169.254.169.254)') });
    await expect(guard('localhost')).rejects.toMatchObject({ retryable: false });
    await expect(guard('8.8.8.8')).resolves.toBe('8.8.8.8');
    await expect(createSmtpHostGuard({ allowInternal: true })('127.0.0.1')).resolves.toBeNull();
  });

  it('mail goes to the address that was checked, never to a second lookup of the name', async () => {
    const server = await startSmtpTestServer();
    const mailer = new NodemailerMailer();
    try {
      // `.invalid` never resolves: the message can only arrive by the address given
      const via = { ...server.settings('Acme <m@acme.example>'), host: 'mail.acme.invalid', connectTo: '127.0.0.1' };
      await mailer.send({ to: 'x@example.com', subject: 'pinned', text: 'hello', html: '<p>hello</p>', messageId: 'pinned-1', attachments: [] }, via);
      expect(server.messages).toHaveLength(1);
      expect((await simpleParser(server.messages[0]!.raw)).subject).toBe('pinned');
      await expect(mailer.send({ to: 'x@example.com', subject: 'by name', text: 'x', html: 'x', messageId: 'by-name-1', attachments: [] }, { ...via, connectTo: undefined })).rejects.toThrow(/mail\.acme\.invalid/);
    } finally {
      await mailer.close();
      await server.close();
    }
  });
});
