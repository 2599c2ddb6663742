import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessKeyIssued, AccessKeyRotated } from '../../src/domain/access-key/access-key-events.ts';
import { SecretShreddedError } from '../../src/ports/secret-sealer.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let accountId: string;
let developer: string;
let readOnly: string;
let otherAccountId: string;
let otherOwner: string;

interface KeyWithSecret {
  keyId: string;
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  status: string;
  buckets: 'all' | string[];
  previousAccessKeyId: string | null;
  previousValidUntil: string | null;
  rotatedAt: string | null;
  provisionedAt: string | null;
}

const openAccount = async (slug: string) => (await openTestAccount(app, operator, slug)).accountId;

const issueKey = (payload: object, token = developer, account = accountId, headers: Record<string, string> = {}) =>
  app.api.inject({ method: 'POST', url: `/accounts/${account}/access-keys`, headers: { ...bearer(token), ...headers }, payload });

async function issueOk(payload: object = { name: 'backup', buckets: 'all', permission: 'read-write' }): Promise<KeyWithSecret> {
  const response = await issueKey(payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<KeyWithSecret>();
}

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  accountId = await openAccount('keys-co');
  otherAccountId = await openAccount('keys-other');
  developer = await app.tokenFor({ kind: 'account', accountId, role: 'developer' });
  readOnly = await app.tokenFor({ kind: 'account', accountId, role: 'read-only' });
  otherOwner = await app.tokenFor({ kind: 'account', accountId: otherAccountId, role: 'owner' });
});
afterAll(async () => {
  await app.close();
});

describe('access keys API', () => {
  it('issues a key and shows its secret once: 201 only; list and detail never show it', async () => {
    const key = await issueOk({ name: 'nightly backup', buckets: 'all', permission: 'read-write' });
    expect(key.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(key.secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(key).toMatchObject({ name: 'nightly backup', buckets: 'all', status: 'active', provisionedAt: null });

    // The event carries the sealed secret only, and it opens to the secret shown.
    const [event] = await app.infrastructure.eventStore.readStream(`accesskey-${key.keyId}`);
    const data = event!.data as AccessKeyIssued['data'];
    expect(JSON.stringify({ data: event!.data, metadata: event!.metadata })).not.toContain(key.secretAccessKey);
    expect(await app.infrastructure.secrets.open(data.sealedSecret)).toBe(key.secretAccessKey);

    await app.runner.catchUp();
    const detail = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/access-keys/${key.keyId}`, headers: bearer(readOnly) });
    expect(detail.statusCode).toBe(200);
    const { secretAccessKey: _shownOnce, ...withoutSecret } = key;
    expect(detail.json()).toEqual(withoutSecret);
    expect(detail.body).not.toContain(key.secretAccessKey);
    expect(detail.body).not.toMatch(/secret/i);
    const list = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/access-keys`, headers: bearer(readOnly) });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { keyId: string }[] }>().items.map((k) => k.keyId)).toContain(key.keyId);
    expect(list.body).not.toContain(key.secretAccessKey);
    expect(list.body).not.toMatch(/secret/i);
  });

  it('scopes a key to buckets of the account, and refuses buckets that are not', async () => {
    const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(developer), payload: { name: 'keys-co-data' } });
    expect(bucket.statusCode, bucket.body).toBe(201);
    const bucketId = bucket.json<{ bucketId: string }>().bucketId;
    const scoped = await issueOk({ name: 'reader', buckets: [bucketId], permission: 'read' });
    expect(scoped.buckets).toEqual([bucketId]);

    const elsewhere = await app.api.inject({ method: 'POST', url: `/accounts/${otherAccountId}/buckets`, headers: bearer(otherOwner), payload: { name: 'keys-other-data' } });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    const refused = await issueKey({ name: 'sneaky', buckets: [bucketId, elsewhere.json<{ bucketId: string }>().bucketId, randomUUID()], permission: 'read' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['body.buckets.1', 'body.buckets.2']);
  });

  it('lists every bad field of a request at once and records nothing', async () => {
    const before = await app.infrastructure.eventStore.readAll();
    const response = await issueKey({ name: '', buckets: [], permission: 'admin', expiresAt: '2020-01-01T00:00:00Z', extra: 1 });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(
      ['body.buckets', 'body.extra', 'body.name', 'body.permission'].sort(),
    );
    const past = await issueKey({ name: 'late', buckets: 'all', permission: 'read', expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['body.expiresAt']);
    expect((await app.infrastructure.eventStore.readAll()).length).toBe(before.length);
  });

  it('a retried Idempotency-Key replays the first outcome without the secret: shown once, never stored', async () => {
    const first = await issueKey({ name: 'retry', buckets: 'all', permission: 'read' }, developer, accountId, { 'idempotency-key': 'issue-once' });
    expect(first.statusCode).toBe(201);
    const secret = first.json<{ secretAccessKey: string }>().secretAccessKey;
    expect(secret).toHaveLength(40);
    const retry = await issueKey({ name: 'retry', buckets: 'all', permission: 'read' }, developer, accountId, { 'idempotency-key': 'issue-once' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['secrets-omitted']).toBe('secretAccessKey');
    const { secretAccessKey: _shownOnce, ...withoutSecret } = first.json<Record<string, unknown>>();
    expect(retry.json()).toEqual(withoutSecret);
    const stored = await app.infrastructure.readModels.selectFrom('idempotency_keys').select('response_body').execute();
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('revokes a key; revoking again changes nothing; list filters by status', async () => {
    const key = await issueOk({ name: 'to revoke', buckets: 'all', permission: 'write' });
    const revoke = () => app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${key.keyId}/revoke`, headers: bearer(developer) });
    const first = await revoke();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ keyId: key.keyId, status: 'revoked' });
    expect((await revoke()).statusCode).toBe(200);
    const events = await app.infrastructure.eventStore.readStream(`accesskey-${key.keyId}`);
    expect(events.map((e) => e.type)).toEqual(['AccessKeyIssued', 'AccessKeyRevoked']);
    // Never provisioned, never will be: its sealed secret is destroyed with the revocation.
    await expect(app.infrastructure.secrets.open((events[0]!.data as AccessKeyIssued['data']).sealedSecret)).rejects.toBeInstanceOf(SecretShreddedError);

    await app.runner.catchUp();
    const revoked = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/access-keys?status=revoked`, headers: bearer(developer) });
    expect(revoked.json<{ items: { keyId: string; status: string }[] }>().items).toEqual([expect.objectContaining({ keyId: key.keyId, status: 'revoked' })]);
    const active = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/access-keys?status=active`, headers: bearer(developer) });
    const activeItems = active.json<{ items: { keyId: string; status: string }[] }>().items;
    expect(activeItems.length).toBeGreaterThan(0);
    expect(activeItems.every((k) => k.status === 'active' && k.keyId !== key.keyId)).toBe(true);
  });

  it('rotates: a new secret shown once, the old credentials valid for the configured grace period', async () => {
    const key = await issueOk({ name: 'to rotate', buckets: 'all', permission: 'read-write' });
    const response = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${key.keyId}/rotate`, headers: bearer(developer) });
    expect(response.statusCode, response.body).toBe(200);
    const rotated = response.json<KeyWithSecret>();
    expect(rotated.secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(rotated.secretAccessKey).not.toBe(key.secretAccessKey);
    expect(rotated.accessKeyId).not.toBe(key.accessKeyId);
    expect(rotated.previousAccessKeyId).toBe(key.accessKeyId);
    const graceMs = app.config.accessKeyRotationGraceHours * 3_600_000;
    expect(Date.parse(rotated.previousValidUntil!) - Date.parse(rotated.rotatedAt!)).toBe(graceMs);

    const events = await app.infrastructure.eventStore.readStream(`accesskey-${key.keyId}`);
    const data = events[1]!.data as AccessKeyRotated['data'];
    expect(events[1]!.type).toBe('AccessKeyRotated');
    expect(data).toMatchObject({ previousAccessKeyId: key.accessKeyId, previousSecretValidUntil: rotated.previousValidUntil });
    expect(await app.infrastructure.secrets.open(data.sealedSecret)).toBe(rotated.secretAccessKey);

    await app.runner.catchUp();
    const detail = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/access-keys/${key.keyId}`, headers: bearer(developer) });
    expect(detail.json()).toMatchObject({ accessKeyId: rotated.accessKeyId, previousAccessKeyId: key.accessKeyId, previousValidUntil: rotated.previousValidUntil });
    expect(detail.body).not.toContain(rotated.secretAccessKey);
  });

  it('honours expiry: status expired once passed, and an expired key cannot be rotated', async () => {
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    const key = await issueOk({ name: 'short lived', buckets: 'all', permission: 'read', expiresAt });
    expect(key.status).toBe('active');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await app.runner.catchUp();
    const detail = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/access-keys/${key.keyId}`, headers: bearer(developer) });
    expect(detail.json()).toMatchObject({ status: 'expired', expiresAt });
    const expired = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/access-keys?status=expired`, headers: bearer(developer) });
    expect(expired.json<{ items: { keyId: string }[] }>().items.map((k) => k.keyId)).toEqual([key.keyId]);
    const rotate = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${key.keyId}/rotate`, headers: bearer(developer) });
    expect(rotate.statusCode).toBe(409);
    expect(rotate.json()).toMatchObject({ code: 'access_key_expired' });
  });

  it("answers 404 for another account's key, whichever way it is asked", async () => {
    const key = await issueOk();
    const viaOwnAccount = [
      app.api.inject({ method: 'GET', url: `/accounts/${otherAccountId}/access-keys/${key.keyId}`, headers: bearer(otherOwner) }),
      app.api.inject({ method: 'POST', url: `/accounts/${otherAccountId}/access-keys/${key.keyId}/revoke`, headers: bearer(otherOwner) }),
      app.api.inject({ method: 'POST', url: `/accounts/${otherAccountId}/access-keys/${key.keyId}/rotate`, headers: bearer(otherOwner) }),
    ];
    for (const response of await Promise.all(viaOwnAccount)) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'access_key_not_found' });
    }
    const viaTheirs = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/access-keys/${key.keyId}`, headers: bearer(otherOwner) });
    expect(viaTheirs.statusCode).toBe(404);
    expect(viaTheirs.json()).toMatchObject({ code: 'account_not_found' });
    const list = await app.api.inject({ method: 'GET', url: `/accounts/${otherAccountId}/access-keys`, headers: bearer(otherOwner) });
    expect(list.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('keeps read-only members out of key management', async () => {
    const response = await issueKey({ name: 'nope', buckets: 'all', permission: 'read' }, readOnly);
    expect(response.statusCode).toBe(403);
  });

  it('issues no keys while the account is suspended', async () => {
    const suspendedId = await openAccount('keys-suspended');
    const suspend = await app.api.inject({ method: 'POST', url: `/accounts/${suspendedId}/suspend`, headers: bearer(operator), payload: { reason: 'overdue' } });
    expect(suspend.statusCode).toBe(200);
    const response = await issueKey({ name: 'blocked', buckets: 'all', permission: 'read' }, operator, suspendedId);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'account_suspended' });
  });

  it('records provisioning (operators only) and destroys the sealed secret', async () => {
    const key = await issueOk();
    const url = `/accounts/${accountId}/access-keys/${key.keyId}/provisioned`;
    const byDeveloper = await app.api.inject({ method: 'POST', url, headers: bearer(developer), payload: { accessKeyId: key.accessKeyId } });
    expect(byDeveloper.statusCode).toBe(403);
    const recorded = await app.api.inject({ method: 'POST', url, headers: bearer(operator), payload: { accessKeyId: key.accessKeyId } });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json<{ provisionedAt: string | null }>().provisionedAt).not.toBeNull();
    const [issued] = await app.infrastructure.eventStore.readStream(`accesskey-${key.keyId}`);
    await expect(app.infrastructure.secrets.open((issued!.data as AccessKeyIssued['data']).sealedSecret)).rejects.toBeInstanceOf(SecretShreddedError);
    const again = await app.api.inject({ method: 'POST', url, headers: bearer(operator), payload: { accessKeyId: key.accessKeyId } });
    expect(again.statusCode).toBe(200);
    expect((await app.infrastructure.eventStore.readStream(`accesskey-${key.keyId}`)).map((e) => e.type)).toEqual(['AccessKeyIssued', 'AccessKeyProvisioned']);
  });

  it('pages through the keys with a cursor, newest first, each once', async () => {
    const pagedAccount = await openAccount('keys-paged');
    const owner = await app.tokenFor({ kind: 'account', accountId: pagedAccount, role: 'owner' });
    const issuedIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await issueKey({ name: `key ${i}`, buckets: 'all', permission: 'read' }, owner, pagedAccount);
      issuedIds.push(response.json<{ keyId: string }>().keyId);
    }
    await app.runner.catchUp();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { statusCode: number; json: <T>() => T } = await app.api.inject({
        method: 'GET',
        url: `/accounts/${pagedAccount}/access-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: bearer(owner),
      });
      expect(page.statusCode).toBe(200);
      const body = page.json<{ items: { keyId: string }[]; nextCursor: string | null }>();
      seen.push(...body.items.map((k) => k.keyId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(issuedIds));
    const bad = await app.api.inject({ method: 'GET', url: `/accounts/${pagedAccount}/access-keys?cursor=nonsense`, headers: bearer(owner) });
    expect(bad.statusCode).toBe(400);
  });

  it('ops rebuild of the access-keys read model gives the same rows as before', async () => {
    await app.runner.catchUp();
    const rows = () => app.infrastructure.readModels.selectFrom('access_keys').selectAll().orderBy('key_id').execute();
    const before = await rows();
    expect(before.length).toBeGreaterThan(5);
    await app.runner.rebuild('access-keys');
    expect(await rows()).toEqual(before);
  });
});
