import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinioAdmin } from '../../src/adapters/minio/minio-admin.ts';
import { SftpgoClient } from '../../src/adapters/sftpgo/index.ts';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { createSftpUserCommands } from '../../src/commands/sftp-user-commands.ts';
import { ReactorRunner } from '../../src/reactors/reactor-runner.ts';
import { sftpProvisioningReactor, sftpStorageUser } from '../../src/reactors/sftp-provisioning-reactor.ts';
import { startMinioAdminStandIn } from '../adapters/minio/support/minio-admin-stand-in.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { startSftpgoSpecServer, type SftpgoSpecServer } from '../support/sftpgo-spec-server.ts';

/**
 * The SFTP reactor through the real SFTPGo and MinIO admin adapters, against SFTPGo's
 * published OpenAPI document (every request validated) and the MinIO admin stand-in.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
const ADMIN = { accessKey: 'minio-root', secretKey: 'minio-root-secret-key', region: 'us-east-1' };
const SFTPGO_ADMIN = { user: 'ledger-admin', password: 'Adm1n-pass-9Qz' };
let app: App;
let minio: Awaited<ReturnType<typeof startMinioAdminStandIn>>;
let sftpgo: SftpgoSpecServer;
let operator: string;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  minio = await startMinioAdminStandIn({ ...ADMIN, metricsAuth: 'public', metrics: '' });
  sftpgo = await startSftpgoSpecServer({ adminUser: SFTPGO_ADMIN.user, adminPassword: SFTPGO_ADMIN.password, startAt: Date.now() });
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app?.close();
  await sftpgo?.close();
  await minio?.close();
});

async function settle() {
  const { eventStore, readModels, secrets } = app.infrastructure;
  await app.runner.catchUp();
  const runner = new ReactorRunner({
    db: readModels,
    eventStore,
    reactors: [
      sftpProvisioningReactor({
        sftpServer: new SftpgoClient({ baseUrl: sftpgo.url, adminUser: SFTPGO_ADMIN.user, adminPassword: SFTPGO_ADMIN.password, now: () => sftpgo.now() }),
        storageAdmin: new MinioAdmin({ ...ADMIN, endpoint: minio.url }),
        s3: { endpoint: 'http://minio.internal:9000', region: 'us-east-1' },
        secrets,
        sftpUsers: createSftpUserCommands({ eventStore, secrets }),
        eventStore,
      }),
    ],
    retryBaseMs: 60_000,
  });
  await runner.catchUp();
  await runner.drain();
  await app.runner.catchUp();
  return runner;
}

const folderBuckets = (username: string) =>
  [...sftpgo.folders.values()]
    .filter((f) => String(f.record.name).startsWith(`${username}_`))
    .map((f) => ((f.record.filesystem as { s3config: { bucket: string } }).s3config.bucket))
    .sort();

describe('SFTP user reactor (SFTPGo OpenAPI spec server, MinIO admin stand-in)', () => {
  it('creates the SFTP user with the password shown once and one folder per provisioned mapped bucket; follows mapping, suspension and closing', async () => {
    const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { name: 'Sftp Co', slug: 'sftp-co', billingEmail: 'f@sftp.co', document: '11.222.333/0001-81' } });
    const { accountId } = opened.json<{ accountId: string }>();
    const buckets = createBucketCommands(app.infrastructure.eventStore);
    const bucketIds: string[] = [];
    for (const name of ['sftp-co-data', 'sftp-co-logs']) {
      const requested = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } });
      bucketIds.push(requested.json<{ bucketId: string }>().bucketId);
    }
    await buckets.recordProvisioned({ accountId, bucketId: bucketIds[0]! }, testContext());

    const created = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/sftp-user`, headers: bearer(operator), payload: {} });
    expect(created.statusCode, created.body).toBe(201);
    const { username, password } = created.json<{ username: string; password: string }>();
    for (const bucketId of bucketIds) {
      const mapped = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/sftp-user/buckets/${bucketId}`, headers: bearer(operator) });
      expect(mapped.statusCode, mapped.body).toBeLessThan(300);
    }
    const runner = await settle();
    const [status] = await runner.status();
    expect(status!.failures).toEqual([]);
    expect(sftpgo.violations).toEqual([]);
    const user = sftpgo.users.get(username)!;
    expect(user.password).toBe(password);
    expect(user.record.status).toBe(1);
    // the second bucket is mapped but not provisioned yet: no folder for it
    expect(folderBuckets(username)).toEqual(['sftp-co-data']);
    const storageUser = minio.users.get(sftpStorageUser(accountId))!;
    const folder = [...sftpgo.folders.values()].find((f) => String(f.record.name).startsWith(`${username}_`))!;
    expect(folder.s3Secret).toBe(storageUser.secretKey);
    expect((folder.record.filesystem as { s3config: { access_key: string; endpoint: string } }).s3config).toMatchObject({ access_key: sftpStorageUser(accountId), endpoint: 'http://minio.internal:9000' });
    const sftp = await app.infrastructure.readModels.selectFrom('sftp_users').select('provisioned_at').where('account_id', '=', accountId).executeTakeFirstOrThrow();
    expect(sftp.provisioned_at).not.toBeNull();

    await buckets.recordProvisioned({ accountId, bucketId: bucketIds[1]! }, testContext());
    await settle();
    expect(folderBuckets(username)).toEqual(['sftp-co-data', 'sftp-co-logs']);
    // later syncs keep the password SFTPGo has
    expect(sftpgo.users.get(username)!.password).toBe(password);

    const reset = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/sftp-user/reset-password`, headers: bearer(operator), payload: {} });
    expect(reset.statusCode, reset.body).toBeLessThan(300);
    const newPassword = reset.json<{ password: string }>().password;
    expect(newPassword).not.toBe(password);
    await settle();
    expect(sftpgo.users.get(username)!.password).toBe(newPassword);

    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/suspend`, headers: bearer(operator), payload: { reason: 'unpaid' } });
    await settle();
    expect(sftpgo.users.get(username)!.record.status).toBe(0);
    expect(minio.users.get(sftpStorageUser(accountId))!.status).toBe('disabled');
    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/reactivate`, headers: bearer(operator), payload: { reason: 'paid' } });
    await settle();
    expect(sftpgo.users.get(username)!.record.status).toBe(1);
    expect(minio.users.get(sftpStorageUser(accountId))!.status).toBe('enabled');

    const closed = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/close`, headers: bearer(operator), payload: { reason: 'left' } });
    expect(closed.statusCode, closed.body).toBe(200);
    await settle();
    expect(sftpgo.users.has(username)).toBe(false);
    expect(folderBuckets(username)).toEqual([]);
    expect(minio.users.has(sftpStorageUser(accountId))).toBe(false);
    expect(sftpgo.violations).toEqual([]);
  });

  it('with SFTPGo not configured the work waits and says so', async () => {
    const { eventStore, readModels, secrets } = app.infrastructure;
    const runner = new ReactorRunner({
      db: readModels,
      eventStore,
      reactors: [sftpProvisioningReactor({ sftpServer: null, storageAdmin: null, s3: null, secrets, sftpUsers: createSftpUserCommands({ eventStore, secrets }), eventStore })],
    });
    expect((await runner.status())[0]!.unavailable).toMatch(/SFTPGo not configured/);
    expect(await runner.drain()).toBe(0);
  });
});
