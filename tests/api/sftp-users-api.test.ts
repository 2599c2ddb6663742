import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SftpPasswordReset, SftpUserCreated } from '../../src/domain/sftp-user/sftp-user-events.ts';
import { SecretShreddedError } from '../../src/ports/secret-sealer.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

async function openAccount(slug: string) {
  const { accountId } = await openTestAccount(app, operator, slug);
  return { accountId, developer: await app.tokenFor({ kind: 'account', accountId, role: 'developer' }) };
}

const sftpCall = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', accountId: string, token: string, path = '', payload?: object) =>
  app.api.inject({ method, url: `/accounts/${accountId}/sftp-user${path}`, headers: bearer(token), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app.close();
});

describe('SFTP user API', () => {
  it('creates cp-<slug> and shows the password once; the read model never shows it', async () => {
    const { accountId, developer } = await openAccount('sftp-co');
    const created = await sftpCall('POST', accountId, developer);
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{ username: string; password: string; status: string }>();
    expect(body).toMatchObject({ accountId, username: 'cp-sftp-co', status: 'active', bucketIds: [], provisionedAt: null });
    expect(body.password).toMatch(/^[A-Za-z0-9]{24}$/);

    const [event] = await app.infrastructure.eventStore.readStream(`sftpuser-${accountId}`);
    expect(JSON.stringify({ data: event!.data, metadata: event!.metadata })).not.toContain(body.password);
    expect(await app.infrastructure.secrets.open((event!.data as SftpUserCreated['data']).sealedPassword)).toBe(body.password);

    await app.runner.catchUp();
    const shown = await sftpCall('GET', accountId, await app.tokenFor({ kind: 'account', accountId, role: 'read-only' }));
    expect(shown.statusCode).toBe(200);
    const { password: _once, ...withoutPassword } = body;
    expect(shown.json()).toEqual(withoutPassword);
    expect(shown.body).not.toContain(body.password);
    expect(shown.body).not.toMatch(/password"/);

    const again = await sftpCall('POST', accountId, developer);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'sftp_user_exists' });
  });

  it('resets the password: a new one shown once, the replaced one destroyed before it was ever handed over', async () => {
    const { accountId, developer } = await openAccount('sftp-reset');
    const first = (await sftpCall('POST', accountId, developer)).json<{ password: string }>();
    const reset = await sftpCall('POST', accountId, developer, '/reset-password');
    expect(reset.statusCode, reset.body).toBe(200);
    const second = reset.json<{ password: string; passwordResetAt: string | null }>();
    expect(second.password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(second.password).not.toBe(first.password);
    expect(second.passwordResetAt).not.toBeNull();
    const [createdEvent, resetEvent] = await app.infrastructure.eventStore.readStream(`sftpuser-${accountId}`);
    await expect(app.infrastructure.secrets.open((createdEvent!.data as SftpUserCreated['data']).sealedPassword)).rejects.toBeInstanceOf(SecretShreddedError);
    expect(await app.infrastructure.secrets.open((resetEvent!.data as SftpPasswordReset['data']).sealedPassword)).toBe(second.password);
  });

  it("maps and unmaps the account's buckets, and refuses another account's", async () => {
    const { accountId, developer } = await openAccount('sftp-map');
    const other = await openAccount('sftp-map-other');
    await sftpCall('POST', accountId, developer);
    const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(developer), payload: { name: 'sftp-map-files' } });
    expect(bucket.statusCode, bucket.body).toBe(201);
    const bucketId = bucket.json<{ bucketId: string }>().bucketId;
    const theirs = await app.api.inject({ method: 'POST', url: `/accounts/${other.accountId}/buckets`, headers: bearer(other.developer), payload: { name: 'sftp-map-theirs' } });
    const theirBucketId = theirs.json<{ bucketId: string }>().bucketId;

    const mapped = await sftpCall('PUT', accountId, developer, `/buckets/${bucketId}`);
    expect(mapped.statusCode, mapped.body).toBe(200);
    expect(mapped.json()).toMatchObject({ bucketIds: [bucketId] });
    for (const foreign of [theirBucketId, randomUUID()]) {
      const refused = await sftpCall('PUT', accountId, developer, `/buckets/${foreign}`);
      expect(refused.statusCode).toBe(404);
      expect(refused.json()).toMatchObject({ code: 'bucket_not_found' });
    }
    await app.runner.catchUp();
    expect((await sftpCall('GET', accountId, developer)).json()).toMatchObject({ bucketIds: [bucketId] });
    const unmapped = await sftpCall('DELETE', accountId, developer, `/buckets/${bucketId}`);
    expect(unmapped.statusCode).toBe(200);
    expect(unmapped.json()).toMatchObject({ bucketIds: [] });
    // Unmapping again is a harmless retry; another account's bucket or an unknown id is not there.
    expect((await sftpCall('DELETE', accountId, developer, `/buckets/${bucketId}`)).statusCode).toBe(200);
    for (const foreign of [theirBucketId, randomUUID()]) {
      const refused = await sftpCall('DELETE', accountId, developer, `/buckets/${foreign}`);
      expect(refused.statusCode, refused.body).toBe(404);
      expect(refused.json()).toMatchObject({ code: 'bucket_not_found' });
    }
    await app.runner.catchUp();
    expect((await sftpCall('GET', accountId, developer)).json()).toMatchObject({ bucketIds: [] });
  });

  it('disables the user; a disabled user gets no new password', async () => {
    const { accountId, developer } = await openAccount('sftp-disable');
    await sftpCall('POST', accountId, developer);
    const disabled = await sftpCall('POST', accountId, developer, '/disable');
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ status: 'disabled' });
    const reset = await sftpCall('POST', accountId, developer, '/reset-password');
    expect(reset.statusCode).toBe(409);
    expect(reset.json()).toMatchObject({ code: 'sftp_user_disabled' });
  });

  it("answers 404 without a user, 404 account_not_found for another account's token, 403 for read-only", async () => {
    const { accountId } = await openAccount('sftp-none');
    const other = await openAccount('sftp-none-other');
    const missing = await sftpCall('GET', accountId, operator);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'sftp_user_not_found' });
    const stranger = await sftpCall('POST', accountId, other.developer);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({ code: 'account_not_found' });
    const readOnly = await sftpCall('POST', accountId, await app.tokenFor({ kind: 'account', accountId, role: 'read-only' }));
    expect(readOnly.statusCode).toBe(403);
  });

  it('creates no SFTP user for a suspended account', async () => {
    const { accountId } = await openAccount('sftp-suspended');
    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/suspend`, headers: bearer(operator), payload: { reason: 'overdue' } });
    const refused = await sftpCall('POST', accountId, operator);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'account_suspended' });
  });

  it('records provisioning (operators only) and destroys the sealed password', async () => {
    const { accountId, developer } = await openAccount('sftp-prov');
    await sftpCall('POST', accountId, developer);
    const [event] = await app.infrastructure.eventStore.readStream(`sftpuser-${accountId}`);
    const { sealedPassword } = event!.data as SftpUserCreated['data'];
    expect((await sftpCall('POST', accountId, developer, '/provisioned', { dataKeyId: sealedPassword.dataKeyId })).statusCode).toBe(403);
    const recorded = await sftpCall('POST', accountId, operator, '/provisioned', { dataKeyId: sealedPassword.dataKeyId });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json<{ provisionedAt: string | null }>().provisionedAt).not.toBeNull();
    await expect(app.infrastructure.secrets.open(sealedPassword)).rejects.toBeInstanceOf(SecretShreddedError);
  });

  it('ops rebuild of the sftp-users read model gives the same rows as before', async () => {
    await app.runner.catchUp();
    const rows = () => app.infrastructure.readModels.selectFrom('sftp_users').selectAll().orderBy('account_id').execute();
    const before = await rows();
    expect(before.length).toBeGreaterThan(3);
    await app.runner.rebuild('sftp-users');
    expect(await rows()).toEqual(before);
  });
});
