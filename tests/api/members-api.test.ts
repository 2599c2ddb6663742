import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app.close();
});

const openAccount = async (slug: string) =>
  (await openTestAccount(app, operator, slug, { billingEmail: `Billing@${slug}.com.br`, ownerEmail: `Owner@${slug}.com.br` })).accountId;

async function ownerToken(accountId: string) {
  await app.runner.catchUp();
  const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/members`, headers: bearer(operator) });
  const owner = listed.json<{ items: { memberId: string; role: string }[] }>().items.find((m) => m.role === 'owner')!;
  const created = await app.api.inject({
    method: 'POST',
    url: `/accounts/${accountId}/api-tokens`,
    headers: bearer(operator),
    payload: { name: 'owner laptop', memberId: owner.memberId },
  });
  expect(created.statusCode, created.body).toBe(201);
  return { memberId: owner.memberId, token: created.json<{ token: string }>().token };
}

async function inviteAndAccept(accountId: string, inviter: string, email: string, role: string) {
  const invited = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(inviter), payload: { email, role } });
  expect(invited.statusCode, invited.body).toBe(201);
  const accepted = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: invited.json<{ invitationToken: string }>().invitationToken } });
  expect(accepted.statusCode, accepted.body).toBe(201);
  return accepted.json<{ memberId: string; token: string; role: string; email: string }>();
}

describe('members and roles', () => {
  it('an account opens with exactly one owner, from ownerEmail (lowercased)', async () => {
    const accountId = await openAccount('owned-co');
    await app.runner.catchUp();
    const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/members`, headers: bearer(operator) });
    expect(listed.json<{ items: unknown[] }>().items).toEqual([expect.objectContaining({ email: 'owner@owned-co.com.br', role: 'owner' })]);
  });

  it('invite, accept, act with the role, lose rights when the role changes, lose access when removed', async () => {
    const accountId = await openAccount('team-co');
    const owner = await ownerToken(accountId);
    const admin = await inviteAndAccept(accountId, owner.token, 'Ana@Team.co', 'admin');
    expect(admin).toMatchObject({ email: 'ana@team.co', role: 'admin' });

    // the admin may invite; a developer may not
    const dev = await inviteAndAccept(accountId, admin.token, 'dev@team.co', 'developer');
    const devInvites = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(dev.token), payload: { email: 'x@team.co', role: 'admin' } });
    expect(devInvites.statusCode).toBe(403);
    expect(devInvites.json()).toMatchObject({ code: 'role_forbidden' });

    // admin -> read-only: the same token now acts as read-only
    const demoted = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/members/${admin.memberId}/role`, headers: bearer(owner.token), payload: { role: 'read-only' } });
    expect(demoted.json()).toMatchObject({ role: 'read-only' });
    const readOnlyInvites = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(admin.token), payload: { email: 'y@team.co', role: 'billing' } });
    expect(readOnlyInvites.statusCode).toBe(403);
    expect((await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(admin.token) })).statusCode).toBe(200);

    // removed: the token stops working at once
    const removed = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/members/${dev.memberId}`, headers: bearer(owner.token) });
    expect(removed.statusCode).toBe(204);
    expect((await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(dev.token) })).statusCode).toBe(401);
  });

  it('ownership moves only by transfer; the owner cannot be removed; the old owner becomes admin', async () => {
    const accountId = await openAccount('transfer-co');
    const owner = await ownerToken(accountId);
    const billing = await inviteAndAccept(accountId, owner.token, 'fin@transfer.co', 'billing');
    const removeOwner = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/members/${owner.memberId}`, headers: bearer(owner.token) });
    expect(removeOwner.statusCode).toBe(409);
    expect(removeOwner.json()).toMatchObject({ code: 'owner_cannot_be_removed' });
    const byBilling = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/ownership`, headers: bearer(billing.token), payload: { memberId: billing.memberId } });
    expect(byBilling.statusCode).toBe(403);
    const transferred = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/ownership`, headers: bearer(owner.token), payload: { memberId: billing.memberId } });
    expect(transferred.statusCode, transferred.body).toBe(200);
    await app.runner.catchUp();
    const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/members`, headers: bearer(operator) });
    const roles = Object.fromEntries(listed.json<{ items: { memberId: string; role: string }[] }>().items.map((m) => [m.memberId, m.role]));
    expect(roles).toEqual({ [owner.memberId]: 'admin', [billing.memberId]: 'owner' });
    // the former owner may no longer close the account; the new one may
    expect((await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/close`, headers: bearer(owner.token), payload: { reason: 'x' } })).statusCode).toBe(403);
  });

  it('an invitation token works once, and is listed without its token', async () => {
    const accountId = await openAccount('invite-co');
    const owner = await ownerToken(accountId);
    const invited = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(owner.token), payload: { email: 'a@invite.co', role: 'developer' } });
    const { invitationToken } = invited.json<{ invitationToken: string }>();
    expect((await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: invitationToken } })).statusCode).toBe(201);
    const again = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: invitationToken } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invitation_used' });
    const forged = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: `${invitationToken.slice(0, -3)}AAA` } });
    expect(forged.statusCode).toBe(404);
    await app.runner.catchUp();
    const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invitations`, headers: bearer(owner.token) });
    expect(listed.body).not.toContain(invitationToken.slice(-43));
    expect(listed.json<{ items: unknown[] }>().items).toEqual([expect.objectContaining({ email: 'a@invite.co', status: 'accepted' })]);
  });

  it('members revoke their own tokens; revoking another member\'s needs owner or admin', async () => {
    const accountId = await openAccount('tokens-co');
    const owner = await ownerToken(accountId);
    const dev = await inviteAndAccept(accountId, owner.token, 'dev@tokens.co', 'developer');
    const second = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/api-tokens`, headers: bearer(dev.token), payload: { name: 'ci' } });
    expect(second.statusCode).toBe(201);
    const secondId = second.json<{ tokenId: string }>().tokenId;
    const ownerTokenId = owner.token.split('_')[1]!;
    expect((await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/api-tokens/${ownerTokenId}`, headers: bearer(dev.token) })).statusCode).toBe(403);
    expect((await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/api-tokens/${secondId}`, headers: bearer(dev.token) })).statusCode).toBe(204);
    expect((await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(second.json<{ token: string }>().token) })).statusCode).toBe(401);
    expect((await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(dev.token) })).statusCode).toBe(200);
    await app.runner.catchUp();
    const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/api-tokens?status=revoked`, headers: bearer(owner.token) });
    expect(listed.json<{ items: { tokenId: string }[] }>().items.map((t) => t.tokenId)).toEqual([secondId]);
  });

  it('a service token cannot mint a token for the owner, whatever its role', async () => {
    const accountId = await openAccount('service-co');
    const owner = await ownerToken(accountId);
    for (const role of ['owner', 'admin', 'read-only'] as const) {
      const service = await app.tokenFor({ kind: 'account', accountId, role });
      const minted = await app.api.inject({
        method: 'POST',
        url: `/accounts/${accountId}/api-tokens`,
        headers: bearer(service),
        payload: { name: 'stolen', memberId: owner.memberId },
      });
      expect(minted.statusCode).toBe(403);
      expect(minted.json()).toMatchObject({ code: 'own_tokens_only' });
    }
  });

  it("a removed member's tokens are listed as revoked; invitation tokens never reach the idempotency table", async () => {
    const accountId = await openAccount('cleanup-co');
    const owner = await ownerToken(accountId);
    const invite = () =>
      app.api.inject({
        method: 'POST',
        url: `/accounts/${accountId}/invitations`,
        headers: { ...bearer(owner.token), 'idempotency-key': 'invite-temp' },
        payload: { email: 'temp@cleanup.co', role: 'developer' },
      });
    const first = await invite();
    const invitationToken = first.json<{ invitationToken: string }>().invitationToken;
    const replay = await invite();
    expect(replay.headers['secrets-omitted']).toBe('invitationToken');
    expect(replay.json()).not.toHaveProperty('invitationToken');
    const stored = await app.infrastructure.readModels.selectFrom('idempotency_keys').select('response_body').execute();
    expect(JSON.stringify(stored)).not.toContain(invitationToken.slice(-43));

    const accepted = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: invitationToken } });
    const temp = accepted.json<{ memberId: string; tokenId: string }>();
    await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/members/${temp.memberId}`, headers: bearer(owner.token) });
    await app.runner.catchUp();
    const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/api-tokens?memberId=${temp.memberId}`, headers: bearer(owner.token) });
    expect(listed.json<{ items: { tokenId: string; status: string }[] }>().items).toEqual([
      expect.objectContaining({ tokenId: temp.tokenId, status: 'revoked' }),
    ]);
  });

  it('rebuilding the members, invitations and api-tokens read models gives the same rows', async () => {
    await app.runner.catchUp();
    const db = app.infrastructure.readModels;
    const snapshot = async () => ({
      members: await db.selectFrom('members').selectAll().orderBy('member_id').execute(),
      invitations: await db.selectFrom('invitations').selectAll().orderBy('invitation_id').execute(),
      tokens: await db.selectFrom('api_tokens').selectAll().orderBy('token_id').execute(),
    });
    const before = await snapshot();
    expect(before.members.length).toBeGreaterThan(5);
    await app.runner.rebuild('members');
    await app.runner.rebuild('api-tokens');
    expect(await snapshot()).toEqual(before);
  });
});
