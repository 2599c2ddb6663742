import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinioAdmin } from '../../src/adapters/minio/minio-admin.ts';
import { SftpgoClient } from '../../src/adapters/sftpgo/index.ts';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { createSftpUserCommands, type SftpUserCommands } from '../../src/commands/sftp-user-commands.ts';
import type { SftpStorageCredentialIssued } from '../../src/domain/sftp-user/sftp-user-events.ts';
import { sftpUserStream } from '../../src/domain/sftp-user/sftp-user-streams.ts';
import { SecretShreddedError, type SealedSecret } from '../../src/ports/secret-sealer.ts';
import { ReactorRunner } from '../../src/reactors/reactor-runner.ts';
import { sftpProvisioningReactor, sftpStorageUser } from '../../src/reactors/sftp-provisioning-reactor.ts';
import { startMinioAdminStandIn } from '../adapters/minio/support/minio-admin-stand-in.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { startSftpgoSpecServer, type SftpgoSpecServer } from '../support/sftpgo-spec-server.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

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

/** `sftpUsers` replaces the SFTP user commands the reactor records with (to put another sync in its way). */
async function settle(sftpUsers?: SftpUserCommands) {
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
        sftpUsers: sftpUsers ?? createSftpUserCommands({ eventStore, secrets }),
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

const foldersOf = (username: string) => [...sftpgo.folders.values()].filter((f) => String(f.record.name).startsWith(`${username}_`));

/** every secret MinIO's add-user got for the account's storage user, in order */
const storageSecretsPut = (accountId: string) =>
  minio.calls.filter((c) => c.path.endsWith('/add-user') && c.query.accessKey === sftpStorageUser(accountId)).map((c) => (c.json as { secretKey: string }).secretKey);

/** MinIO's storage user has `secret`, and every S3 folder of the SFTP user holds that same one */
function expectStorageSecretEverywhere(accountId: string, username: string, secret: string) {
  expect(minio.users.get(sftpStorageUser(accountId))!.secretKey).toBe(secret);
  const folders = foldersOf(username);
  expect(folders.length).toBeGreaterThan(0);
  for (const folder of folders) {
    expect(folder.s3Secret).toBe(secret);
    expect((folder.record.filesystem as { s3config: { access_key: string } }).s3config.access_key).toBe(sftpStorageUser(accountId));
  }
}

async function storageCredentialEvents(accountId: string) {
  const events = await app.infrastructure.eventStore.readStream(sftpUserStream(accountId));
  return { events, issued: events.filter((e) => e.type === 'SftpStorageCredentialIssued').map((e) => e.data as SftpStorageCredentialIssued['data']) };
}

async function openAccountWithProvisionedBucket(slug: string) {
  const { accountId } = await openTestAccount(app, operator, slug, { name: `${slug} Co`, billingEmail: `f@${slug}.co`, document: '11.222.333/0001-81' });
  const requested = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: `${slug}-data` } });
  const bucketId = requested.json<{ bucketId: string }>().bucketId;
  await createBucketCommands(app.infrastructure.eventStore).recordProvisioned({ accountId, bucketId }, testContext());
  const created = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/sftp-user`, headers: bearer(operator), payload: {} });
  expect(created.statusCode, created.body).toBe(201);
  const mapped = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/sftp-user/buckets/${bucketId}`, headers: bearer(operator) });
  expect(mapped.statusCode, mapped.body).toBeLessThan(300);
  return { accountId, bucketId, ...created.json<{ username: string; password: string }>() };
}

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
    const storageSecret = storageUser.secretKey;
    const folder = [...sftpgo.folders.values()].find((f) => String(f.record.name).startsWith(`${username}_`))!;
    expect(folder.s3Secret).toBe(storageSecret);
    expect((folder.record.filesystem as { s3config: { access_key: string; endpoint: string } }).s3config).toMatchObject({ access_key: sftpStorageUser(accountId), endpoint: 'http://minio.internal:9000' });
    // issued once, recorded only sealed, and the sealed copy opens to what MinIO has
    const first = await storageCredentialEvents(accountId);
    expect(first.issued).toHaveLength(1);
    expect(first.issued[0]!.accessKey).toBe(sftpStorageUser(accountId));
    const sealedStorageSecret: SealedSecret = first.issued[0]!.sealedSecret;
    expect(await app.infrastructure.secrets.open(sealedStorageSecret)).toBe(storageSecret);
    const sftp = await app.infrastructure.readModels.selectFrom('sftp_users').select('provisioned_at').where('account_id', '=', accountId).executeTakeFirstOrThrow();
    expect(sftp.provisioned_at).not.toBeNull();

    await buckets.recordProvisioned({ accountId, bucketId: bucketIds[1]! }, testContext());
    await settle();
    expect(folderBuckets(username)).toEqual(['sftp-co-data', 'sftp-co-logs']);
    // later syncs keep the password SFTPGo has, and the storage secret: the new folder got the same one
    expect(sftpgo.users.get(username)!.password).toBe(password);
    expectStorageSecretEverywhere(accountId, username, storageSecret);

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
    expectStorageSecretEverywhere(accountId, username, storageSecret);

    // One sync per event (create, two mappings, the second bucket's provisioning, reset,
    // suspend, reactivate): every add-user carried the one secret, and it was issued once.
    const put = storageSecretsPut(accountId);
    expect(put.length).toBeGreaterThanOrEqual(4);
    expect(new Set(put)).toEqual(new Set([storageSecret]));
    const beforeClose = await storageCredentialEvents(accountId);
    expect(beforeClose.issued).toEqual(first.issued);
    // The event log holds it only sealed: neither the secret nor its base64 is in the stream, nor in a read model row.
    const streamJson = JSON.stringify(beforeClose.events.map((e) => ({ data: e.data, metadata: e.metadata })));
    expect(streamJson).toContain(sealedStorageSecret.ciphertext);
    for (const form of [storageSecret, Buffer.from(storageSecret).toString('base64')]) {
      expect(streamJson).not.toContain(form);
      const rows = [
        ...(await app.infrastructure.readModels.selectFrom('sftp_users').selectAll().where('account_id', '=', accountId).execute()),
        ...(await app.infrastructure.readModels.selectFrom('audit_log').selectAll().where('account_id', '=', accountId).execute()),
      ];
      expect(JSON.stringify(rows)).not.toContain(form);
    }
    const audit = await app.infrastructure.readModels.selectFrom('audit_log').select('summary').where('account_id', '=', accountId).where('event_type', '=', 'SftpStorageCredentialIssued').execute();
    expect(audit).toEqual([{ summary: `Storage credential ${sftpStorageUser(accountId)} issued for SFTP user ${username}` }]);
    // still openable while the account is open: the next sync needs it
    expect(await app.infrastructure.secrets.open(sealedStorageSecret)).toBe(storageSecret);

    const closed = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/close`, headers: bearer(operator), payload: { reason: 'left' } });
    expect(closed.statusCode, closed.body).toBe(200);
    await settle();
    expect(sftpgo.users.has(username)).toBe(false);
    expect(folderBuckets(username)).toEqual([]);
    expect(minio.users.has(sftpStorageUser(accountId))).toBe(false);
    expect(sftpgo.violations).toEqual([]);
    // closed: the users are gone, and so is the data key; the event log can no longer reveal the secret
    await expect(app.infrastructure.secrets.open(sealedStorageSecret)).rejects.toBeInstanceOf(SecretShreddedError);
  });

  it('a sync SFTPGo refused for good leaves MinIO with the secret the next sync hands SFTPGo', async () => {
    const { accountId, username, password } = await openAccountWithProvisionedBucket('refused-co');
    // Three syncs (the bucket's provisioning, the user's creation, the mapping: each reads the
    // stream as it is now, so each would create the folder), each refused at its one add_folder.
    sftpgo.failNext('add_folder', 400, { error: 'Validation error: bucket region refused', message: 'Unable to add folder' }, 3);
    const runner = await settle();
    const failures = (await runner.status())[0]!.failures.filter((f) => f.subject === `sftp:${accountId}`);
    expect(failures).toHaveLength(3);
    for (const failure of failures) expect(failure.error).toBe('SFTPGo POST /folders answered 400: Validation error: bucket region refused: Unable to add folder');
    expect(sftpgo.users.has(username)).toBe(false);
    // MinIO got the secret before SFTPGo refused
    const secretInMinio = minio.users.get(sftpStorageUser(accountId))!.secretKey;
    const { issued } = await storageCredentialEvents(accountId);
    expect(issued).toHaveLength(1);
    expect(await app.infrastructure.secrets.open(issued[0]!.sealedSecret)).toBe(secretInMinio);

    // any later change syncs again: SFTPGo's folder now holds the secret MinIO has had all along
    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/suspend`, headers: bearer(operator), payload: { reason: 'unpaid' } });
    await settle();
    expect(sftpgo.users.get(username)!.password).toBe(password);
    expectStorageSecretEverywhere(accountId, username, secretInMinio);
    expect(new Set(storageSecretsPut(accountId))).toEqual(new Set([secretInMinio]));
    expect((await storageCredentialEvents(accountId)).issued).toEqual(issued);
    expect(sftpgo.violations).toEqual([]);
  });

  it('a sync that finds a storage credential recorded meanwhile uses that one and destroys its own', async () => {
    const { accountId, username } = await openAccountWithProvisionedBucket('raced-co');
    const { eventStore, secrets } = app.infrastructure;
    const commands = createSftpUserCommands({ eventStore, secrets });
    // Another sync records its credential between this sync's reading the stream and its own recording.
    const otherSecret = 'other-sync-storage-secret-0123456789';
    const losers: SealedSecret[] = [];
    const raced: SftpUserCommands = {
      ...commands,
      async recordStorageCredential(input, context) {
        if (losers.length === 0) await commands.recordStorageCredential({ ...input, sealedSecret: await secrets.seal(otherSecret) }, testContext());
        losers.push(input.sealedSecret);
        return commands.recordStorageCredential(input, context);
      },
    };
    const runner = await settle(raced);
    expect((await runner.status())[0]!.failures.filter((f) => f.subject === `sftp:${accountId}`)).toEqual([]);
    expect(losers).toHaveLength(1);
    expectStorageSecretEverywhere(accountId, username, otherSecret);
    expect(new Set(storageSecretsPut(accountId))).toEqual(new Set([otherSecret]));
    const { issued } = await storageCredentialEvents(accountId);
    expect(issued).toHaveLength(1);
    expect(await secrets.open(issued[0]!.sealedSecret)).toBe(otherSecret);
    // the refused one is in no event, and its data key is gone
    expect(issued[0]!.sealedSecret.dataKeyId).not.toBe(losers[0]!.dataKeyId);
    await expect(secrets.open(losers[0]!)).rejects.toBeInstanceOf(SecretShreddedError);
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
