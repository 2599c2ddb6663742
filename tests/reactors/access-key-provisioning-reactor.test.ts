import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinioAdmin } from '../../src/adapters/minio/minio-admin.ts';
import { createAccessKeyCommands } from '../../src/commands/access-key-commands.ts';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { keyPolicyName } from '../../src/domain/access-key/access-key-policy.ts';
import { accountKeyIds } from '../../src/projections/access-keys/access-key-queries.ts';
import { accountStoredBucketNames } from '../../src/projections/buckets/bucket-queries.ts';
import { SecretShreddedError } from '../../src/ports/secret-sealer.ts';
import { accessKeyProvisioningReactor } from '../../src/reactors/access-key-provisioning-reactor.ts';
import { ReactorRunner } from '../../src/reactors/reactor-runner.ts';
import { startMinioAdminStandIn } from '../adapters/minio/support/minio-admin-stand-in.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

/**
 * The access-key reactor through the real MinIO admin adapter, against the stand-in of
 * MinIO's admin API (every request's signature recomputed, encrypted bodies opened with the
 * admin secret): users, policies and statuses as MinIO would hold them.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
const ADMIN = { accessKey: 'minio-root', secretKey: 'minio-root-secret-key', region: 'us-east-1' };
let app: App;
let minio: Awaited<ReturnType<typeof startMinioAdminStandIn>>;
let operator: string;
let clockOffsetMs = 0;

beforeAll(async () => {
  minio = await startMinioAdminStandIn({ ...ADMIN, metricsAuth: 'public', metrics: '' });
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app?.close();
  await minio?.close();
});

function runner() {
  const { eventStore, readModels, secrets } = app.infrastructure;
  return new ReactorRunner({
    db: readModels,
    eventStore,
    clock: () => new Date(Date.now() + clockOffsetMs),
    reactors: [
      accessKeyProvisioningReactor({
        storageAdmin: new MinioAdmin({ ...ADMIN, endpoint: minio.url }),
        secrets,
        accessKeys: createAccessKeyCommands({ eventStore, secrets, keyRotationGraceHours: 24 }),
        eventStore,
        accountStoredBucketNames: (accountId) => accountStoredBucketNames(readModels, accountId),
        accountKeyIds: (accountId) => accountKeyIds(readModels, accountId),
        projectionLag: (projection) => app.runner.lagOf(projection),
      }),
    ],
    retryBaseMs: 60_000,
  });
}

async function settle() {
  await app.runner.catchUp();
  const r = runner();
  await r.catchUp();
  await r.drain();
  await app.runner.catchUp();
  return r;
}

async function accountWithBucket(slug: string) {
  const { accountId } = await openTestAccount(app, operator, slug, { name: slug, billingEmail: `${slug}@example.com`, document: '11.222.333/0001-81' });
  const requested = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: `${slug}-data` } });
  const { bucketId } = requested.json<{ bucketId: string }>();
  // as the bucket reactor records it once MinIO has the bucket
  await createBucketCommands(app.infrastructure.eventStore).recordProvisioned({ accountId, bucketId }, testContext());
  await app.runner.catchUp();
  return { accountId, bucketId };
}

async function issueKey(accountId: string, body: object) {
  const issued = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys`, headers: bearer(operator), payload: body });
  expect(issued.statusCode, issued.body).toBe(201);
  return issued.json<{ keyId: string; accessKeyId: string; secretAccessKey: string }>();
}

describe('access key reactor (MinIO admin API stand-in)', () => {
  it('a key becomes a MinIO user with its secret, limited by a policy to its buckets; the sealed secret is then destroyed', async () => {
    const { accountId, bucketId } = await accountWithBucket('keys-co');
    const key = await issueKey(accountId, { name: 'backup', buckets: [bucketId], permission: 'read' });
    await settle();

    const user = minio.users.get(key.accessKeyId);
    expect(user).toEqual({ secretKey: key.secretAccessKey, status: 'enabled', policies: [keyPolicyName(key.keyId)] });
    const policy = minio.policies.get(keyPolicyName(key.keyId)) as { Statement: { Action: string[]; Resource: string[] }[] };
    expect(policy.Statement.flatMap((s) => s.Resource)).toEqual(['arn:aws:s3:::keys-co-data', 'arn:aws:s3:::keys-co-data/*']);
    expect(policy.Statement.flatMap((s) => s.Action)).not.toContain('s3:PutObject');

    const row = await app.infrastructure.readModels.selectFrom('access_keys').selectAll().where('key_id', '=', key.keyId).executeTakeFirstOrThrow();
    expect(row.provisioned_at).not.toBeNull();
    const [issuedEvent] = (await app.infrastructure.eventStore.readStream(`accesskey-${key.keyId}`)).filter((e) => e.type === 'AccessKeyIssued');
    const sealed = (issuedEvent!.data as { sealedSecret: Parameters<typeof app.infrastructure.secrets.open>[0] }).sealedSecret;
    await expect(app.infrastructure.secrets.open(sealed)).rejects.toBeInstanceOf(SecretShreddedError);
  });

  it('after a crash between creating the user and recording it, the restart does not create the user again', async () => {
    const { accountId, bucketId } = await accountWithBucket('crash-keys');
    const key = await issueKey(accountId, { name: 'app', buckets: [bucketId], permission: 'read-write' });
    // the side effect happened (MinIO has the user), the outcome event did not
    await new MinioAdmin({ ...ADMIN, endpoint: minio.url }).putUser(key.accessKeyId, key.secretAccessKey);
    const addUsersBefore = minio.calls.filter((c) => c.path.endsWith('/add-user') && c.query.accessKey === key.accessKeyId).length;
    await settle();
    expect(minio.calls.filter((c) => c.path.endsWith('/add-user') && c.query.accessKey === key.accessKeyId).length).toBe(addUsersBefore);
    expect(minio.users.get(key.accessKeyId)).toMatchObject({ status: 'enabled', policies: [keyPolicyName(key.keyId)] });
    const row = await app.infrastructure.readModels.selectFrom('access_keys').select('provisioned_at').where('key_id', '=', key.keyId).executeTakeFirstOrThrow();
    expect(row.provisioned_at).not.toBeNull();
  });

  it('revoking disables the user; suspending the account disables its keys and reactivating enables them', async () => {
    const { accountId, bucketId } = await accountWithBucket('status-co');
    const kept = await issueKey(accountId, { name: 'kept', buckets: 'all', permission: 'read-write' });
    const revoked = await issueKey(accountId, { name: 'gone', buckets: [bucketId], permission: 'write' });
    await settle();
    expect(minio.users.get(revoked.accessKeyId)?.status).toBe('enabled');

    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${revoked.keyId}/revoke`, headers: bearer(operator) });
    await settle();
    expect(minio.users.get(revoked.accessKeyId)?.status).toBe('disabled');
    expect(minio.users.get(kept.accessKeyId)?.status).toBe('enabled');

    const suspended = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/suspend`, headers: bearer(operator), payload: { reason: 'unpaid' } });
    expect(suspended.statusCode, suspended.body).toBe(200);
    await settle();
    expect(minio.users.get(kept.accessKeyId)?.status).toBe('disabled');

    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/reactivate`, headers: bearer(operator), payload: { reason: 'paid' } });
    await settle();
    expect(minio.users.get(kept.accessKeyId)?.status).toBe('enabled');
    // a revoked key stays disabled whatever the account does
    expect(minio.users.get(revoked.accessKeyId)?.status).toBe('disabled');
  });

  it("a key for all buckets gets each new bucket in its policy once the bucket is provisioned", async () => {
    const { accountId } = await accountWithBucket('grow-co');
    const key = await issueKey(accountId, { name: 'all', buckets: 'all', permission: 'read' });
    await settle();
    const resources = () => (minio.policies.get(keyPolicyName(key.keyId)) as { Statement: { Resource: string[] }[] }).Statement[0]!.Resource;
    expect(resources()).toEqual(['arn:aws:s3:::grow-co-data']);
    const requested = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'grow-co-logs' } });
    await createBucketCommands(app.infrastructure.eventStore).recordProvisioned({ accountId, bucketId: requested.json<{ bucketId: string }>().bucketId }, testContext());
    await settle();
    expect(resources()).toEqual(['arn:aws:s3:::grow-co-data', 'arn:aws:s3:::grow-co-logs']);
  });

  it('a rotated key: the new credentials get a user at once, the old user is removed only when its grace ends', async () => {
    const { accountId, bucketId } = await accountWithBucket('rotate-co');
    const key = await issueKey(accountId, { name: 'rot', buckets: [bucketId], permission: 'read' });
    await settle();
    const rotated = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${key.keyId}/rotate`, headers: bearer(operator) });
    expect(rotated.statusCode, rotated.body).toBeLessThan(300);
    const fresh = rotated.json<{ accessKeyId: string; secretAccessKey: string }>();
    await settle();
    expect(minio.users.get(fresh.accessKeyId)).toMatchObject({ secretKey: fresh.secretAccessKey, status: 'enabled' });
    expect(minio.users.has(key.accessKeyId)).toBe(true);
    clockOffsetMs = 25 * 3_600_000;
    try {
      await settle();
    } finally {
      clockOffsetMs = 0;
    }
    expect(minio.users.has(key.accessKeyId)).toBe(false);
    expect(minio.users.has(fresh.accessKeyId)).toBe(true);
  });

  it('a key that expires next year is disabled at once when revoked: its waiting expiry does not hold the revocation back', async () => {
    const { accountId, bucketId } = await accountWithBucket('expiring-co');
    const key = await issueKey(accountId, { name: 'yearly', buckets: [bucketId], permission: 'read', expiresAt: '2027-12-01T00:00:00Z' });
    await settle();
    expect(minio.users.get(key.accessKeyId)?.status).toBe('enabled');
    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${key.keyId}/revoke`, headers: bearer(operator) });
    await settle();
    expect(minio.users.get(key.accessKeyId)?.status).toBe('disabled');
  });

  it('a key rotated twice before MinIO was reached: only the current credentials become a user, nothing fails', async () => {
    const { accountId, bucketId } = await accountWithBucket('twice-co');
    const key = await issueKey(accountId, { name: 'busy', buckets: [bucketId], permission: 'read' });
    const rotate = async () => (await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${key.keyId}/rotate`, headers: bearer(operator) })).json<{ accessKeyId: string; secretAccessKey: string }>();
    const second = await rotate();
    const third = await rotate();
    const r = await settle();
    expect(minio.users.has(key.accessKeyId)).toBe(false);
    expect(minio.users.get(third.accessKeyId)).toMatchObject({ secretKey: third.secretAccessKey, status: 'enabled' });
    // the second credentials are the "previous" ones within their grace: provisioned as well
    expect(minio.users.get(second.accessKeyId)?.secretKey).toBe(second.secretAccessKey);
    const [status] = await r.status();
    expect(status!.failures.filter((f) => f.subject.startsWith(key.keyId))).toEqual([]);
  });
});
