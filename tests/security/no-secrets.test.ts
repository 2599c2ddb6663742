import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { AccessKeyIssued, AccessKeyRotated } from '../../src/domain/access-key/access-key-events.ts';
import type { AccountSmtpConfigured, MemberInvited } from '../../src/domain/account/account-events.ts';
import type { SftpPasswordReset, SftpUserCreated } from '../../src/domain/sftp-user/sftp-user-events.ts';
import { compose, type Application } from '../../src/main.ts';
import { SecretShreddedError, type SealedSecret } from '../../src/ports/secret-sealer.ts';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { createTestDatabase } from '../support/database.ts';
import { testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * The issue's promise, checked end to end: after keys and SFTP passwords are issued through
 * the API, no secret is in the event log, in any table, or in the logs; and once provisioning
 * is recorded, the sealed copies in the event log can no longer be opened.
 */
let app: Application;
const logLines: string[] = [];
const infrastructureLog: string[] = [];

beforeAll(async () => {
  const url = await createTestDatabase('nosecrets');
  // Everything the service would log, at its most talkative level, into a stream we own.
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  app = await compose(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'trace', PLATFORM_KEY: randomBytes(32).toString('base64') }), {
    httpLogs: true,
    logStream,
    log: (line) => infrastructureLog.push(line),
  });
  app.runner.start();
});
afterAll(async () => {
  await app.close();
});

const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v));

describe('secrets', () => {
  it('appear in no event, no table and no log line, and cannot be opened once provisioned', async () => {
    const operator = (await issueApiToken(app.infrastructure.eventStore, { name: 'ops', scope: { kind: 'operator' } }, testContext())).token;
    const headers = bearer(operator);
    const opened = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers,
      payload: { name: 'Secretive Ltda', slug: 'secretive', billingEmail: 'b@secretive.com.br', document: '529.982.247-25' },
    });
    const { accountId } = opened.json<{ accountId: string }>();
    const base = `/accounts/${accountId}`;

    const secrets: string[] = [];
    const keyIds: string[] = [];
    for (const name of ['backup', 'app', 'ci']) {
      const issued = await app.api.inject({ method: 'POST', url: `${base}/access-keys`, headers, payload: { name, buckets: 'all', permission: 'read-write' } });
      expect(issued.statusCode, issued.body).toBe(201);
      const { keyId, secretAccessKey } = issued.json<{ keyId: string; secretAccessKey: string }>();
      secrets.push(secretAccessKey);
      keyIds.push(keyId);
    }
    const rotated = await app.api.inject({ method: 'POST', url: `${base}/access-keys/${keyIds[0]}/rotate`, headers });
    expect(rotated.statusCode, rotated.body).toBe(200);
    secrets.push(rotated.json<{ secretAccessKey: string }>().secretAccessKey);
    const revoked = await app.api.inject({ method: 'POST', url: `${base}/access-keys/${keyIds[2]}/revoke`, headers });
    expect(revoked.statusCode).toBe(200);

    const sftp = await app.api.inject({ method: 'POST', url: `${base}/sftp-user`, headers });
    expect(sftp.statusCode, sftp.body).toBe(201);
    secrets.push(sftp.json<{ password: string }>().password);
    const reset = await app.api.inject({ method: 'POST', url: `${base}/sftp-user/reset-password`, headers });
    expect(reset.statusCode, reset.body).toBe(200);
    secrets.push(reset.json<{ password: string }>().password);
    // A retried request must not leave the secret in the idempotency table either.
    const withKey = () => app.api.inject({ method: 'POST', url: `${base}/sftp-user/reset-password`, headers: { ...headers, 'idempotency-key': 'reset-1' } });
    const keyed = await withKey();
    expect(keyed.statusCode).toBe(200);
    secrets.push(keyed.json<{ password: string }>().password);
    const replayed = await withKey();
    expect(replayed.headers['secrets-omitted']).toBe('password');
    expect(replayed.json()).not.toHaveProperty('password');
    // Reads, so the GET paths are logged too.
    await app.runner.catchUp();
    await app.api.inject({ method: 'GET', url: `${base}/access-keys`, headers });
    await app.api.inject({ method: 'GET', url: `${base}/sftp-user`, headers });

    expect(secrets).toHaveLength(7);
    expect(new Set(secrets).size).toBe(7);
    // Each secret as issued, and base64-encoded (as a careless log of a Buffer would write it).
    const forms = secrets.flatMap((s) => [s, Buffer.from(s).toString('base64')]);
    const leaks = (where: string, text: string) => forms.filter((form) => text.includes(form)).map(() => where);

    const found: string[] = [];
    const events = await app.infrastructure.eventStore.readAll();
    expect(events.length).toBeGreaterThan(5);
    for (const event of events) found.push(...leaks(`event ${event.type} in ${event.streamName}`, json({ data: event.data, metadata: event.metadata })));

    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(app.infrastructure.readModels);
    const names = tables.rows.map((t) => t.table_name);
    expect(names).toEqual(expect.arrayContaining(['access_keys', 'sftp_users', 'sealing_keys', 'idempotency_keys', 'audit_log']));
    for (const table of names) {
      const rows = await sql`SELECT * FROM ${sql.table(table)}`.execute(app.infrastructure.readModels);
      found.push(...leaks(`table ${table}`, json(rows.rows)));
    }

    const logs = logLines.join('') + infrastructureLog.join('\n');
    // The capture works: the requests above were logged.
    expect(logs).toContain('/access-keys');
    expect(logs).toContain('/sftp-user');
    found.push(...leaks('the logs', logs));

    expect(found).toEqual([]);

    // Before provisioning, the sealed copies still open (that is what the reactors will use) ...
    const keyEvents = events.filter((e) => e.type === 'AccessKeyIssued' || e.type === 'AccessKeyRotated');
    const live = keyEvents.filter((e) => (e.data as { keyId: string }).keyId !== keyIds[2]);
    for (const event of live) {
      const { sealedSecret } = event.data as AccessKeyIssued['data'] | AccessKeyRotated['data'];
      expect(secrets).toContain(await app.infrastructure.secrets.open(sealedSecret));
    }
    // ... then provisioning is recorded for every live credential and the SFTP user's password.
    for (const event of live) {
      const { keyId, accessKeyId } = event.data as AccessKeyIssued['data'];
      const recorded = await app.api.inject({ method: 'POST', url: `${base}/access-keys/${keyId}/provisioned`, headers, payload: { accessKeyId } });
      expect(recorded.statusCode, recorded.body).toBe(200);
    }
    const sftpEvents = events.filter((e) => e.type === 'SftpUserCreated' || e.type === 'SftpPasswordReset');
    const current = (sftpEvents[sftpEvents.length - 1]!.data as SftpPasswordReset['data']).sealedPassword;
    const recorded = await app.api.inject({ method: 'POST', url: `${base}/sftp-user/provisioned`, headers, payload: { dataKeyId: current.dataKeyId } });
    expect(recorded.statusCode, recorded.body).toBe(200);

    // From here on the event log alone cannot reveal any secret: every sealed copy is dead.
    const sealedCopies: SealedSecret[] = [
      ...keyEvents.map((e) => (e.data as AccessKeyIssued['data']).sealedSecret),
      ...sftpEvents.map((e) => (e.data as SftpUserCreated['data']).sealedPassword),
    ];
    expect(sealedCopies).toHaveLength(7);
    for (const sealed of sealedCopies) await expect(app.infrastructure.secrets.open(sealed)).rejects.toBeInstanceOf(SecretShreddedError);
    const remaining = await app.infrastructure.readModels.selectFrom('sealing_keys' as never).selectAll().execute();
    expect(remaining).toEqual([]);
  });

  it('invitation tokens and SMTP passwords appear in no event, no table and no log line; their sealed copies open to them until destroyed', async () => {
    const operator = (await issueApiToken(app.infrastructure.eventStore, { name: 'ops', scope: { kind: 'operator' } }, testContext())).token;
    const headers = bearer(operator);
    const opened = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers,
      payload: { name: 'Mailing Ltda', slug: 'mailing', billingEmail: 'b@mailing.com.br', document: '529.982.247-25', locale: 'en' },
    });
    const { accountId } = opened.json<{ accountId: string }>();
    const base = `/accounts/${accountId}`;

    const tokens: string[] = [];
    for (const email of ['ana@mailing.com.br', 'bia@mailing.com.br']) {
      const invited = await app.api.inject({ method: 'POST', url: `${base}/invitations`, headers: { ...headers, 'idempotency-key': `invite-${email}` }, payload: { email, role: 'developer' } });
      expect(invited.statusCode, invited.body).toBe(201);
      tokens.push(invited.json<{ invitationToken: string }>().invitationToken);
    }
    const accepted = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: tokens[0] } });
    expect(accepted.statusCode, accepted.body).toBe(201);

    const passwords = ['first-Smtp-p4ssword!', 'second-Smtp-p4ssword?'];
    for (const [index, password] of passwords.entries()) {
      const put = await app.api.inject({
        method: 'PUT',
        url: `${base}/smtp`,
        headers: { ...headers, 'idempotency-key': `smtp-${index}` },
        payload: { host: '100.128.0.25', port: 587, secure: false, username: 'mailer', password, fromName: 'Mailing', fromAddress: 'billing@mailing.example' },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.body).not.toContain(password);
    }
    await app.runner.catchUp();
    const shown = await app.api.inject({ method: 'GET', url: base, headers });
    expect(shown.json<{ smtp: { passwordSet: boolean } }>().smtp.passwordSet).toBe(true);
    await app.api.inject({ method: 'GET', url: `${base}/invitations`, headers });
    await app.api.inject({ method: 'GET', url: `${base}/audit-log`, headers });

    // Each secret, the token's random part alone, and base64 of each.
    // The random part follows the second '_': base64url may itself hold '_', so splitting on the
    // last one could leave a fragment of a few characters that random ciphertext contains by chance.
    const randomPart = (token: string) => token.slice(token.indexOf('_', token.indexOf('_') + 1) + 1);
    const secrets = [...tokens, ...tokens.map(randomPart), ...passwords];
    const forms = secrets.flatMap((s) => [s, Buffer.from(s).toString('base64')]);
    const leaks = (where: string, text: string) => forms.filter((form) => text.includes(form)).map(() => where);
    const found: string[] = [];
    const events = await app.infrastructure.eventStore.readAll();
    for (const event of events) found.push(...leaks(`event ${event.type} in ${event.streamName}`, json({ data: event.data, metadata: event.metadata })));
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(app.infrastructure.readModels);
    const names = tables.rows.map((t) => t.table_name);
    expect(names).toEqual(expect.arrayContaining(['accounts', 'invitations', 'notifications', 'sealing_keys', 'idempotency_keys', 'audit_log']));
    for (const table of names) {
      const rows = await sql`SELECT * FROM ${sql.table(table)}`.execute(app.infrastructure.readModels);
      found.push(...leaks(`table ${table}`, json(rows.rows)));
    }
    const logs = logLines.join('') + infrastructureLog.join('\n');
    expect(logs).toContain('/smtp');
    expect(logs).toContain('/invitations');
    found.push(...leaks('the logs', logs));
    expect(found).toEqual([]);

    // The sealed copies: the pending invitation's opens to its token, the accepted one's is destroyed;
    // the current SMTP password opens, the replaced one is destroyed.
    const invitedEvents = events.filter((e) => e.type === 'MemberInvited' && e.streamName === `account-${accountId}`);
    const sealedTokens = invitedEvents.map((e) => (e.data as MemberInvited['data']).sealedToken!);
    expect(sealedTokens).toHaveLength(2);
    await expect(app.infrastructure.secrets.open(sealedTokens[0]!)).rejects.toBeInstanceOf(SecretShreddedError);
    expect(await app.infrastructure.secrets.open(sealedTokens[1]!)).toBe(tokens[1]);
    const sealedPasswords = events.filter((e) => e.type === 'AccountSmtpConfigured').map((e) => (e.data as AccountSmtpConfigured['data']).sealedPassword!);
    expect(sealedPasswords).toHaveLength(2);
    await expect(app.infrastructure.secrets.open(sealedPasswords[0]!)).rejects.toBeInstanceOf(SecretShreddedError);
    expect(await app.infrastructure.secrets.open(sealedPasswords[1]!)).toBe(passwords[1]);
  });
});
