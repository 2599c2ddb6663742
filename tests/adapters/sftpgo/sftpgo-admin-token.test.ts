import { describe, expect, it } from 'vitest';
import { ADMIN, useSftpgo } from './sftpgo-fixture.ts';

const MINUTE = 60_000;

// The server issues tokens that live 5 minutes by its clock; the client renews 1 minute early.
describe('SFTPGo admin token', () => {
  const sftpgo = useSftpgo({ tokenLifetimeMs: 5 * MINUTE });

  it('is obtained once with basic auth and reused', async () => {
    await sftpgo.client.getUser('cp-acme');
    await sftpgo.client.getUser('cp-acme');
    await sftpgo.client.getUser('cp-acme');

    expect(sftpgo.server.tokensIssued()).toBe(1);
    expect(sftpgo.server.requests.map((r) => `${r.operationId} ${r.auth}`)).toEqual([
      'get_token basic',
      'get_user_by_username bearer',
      'get_user_by_username bearer',
      'get_user_by_username bearer',
    ]);
  });

  it('calls made together wait for one token', async () => {
    await Promise.all([sftpgo.client.getUser('cp-a'), sftpgo.client.getUser('cp-b'), sftpgo.client.getUser('cp-c')]);
    expect(sftpgo.server.tokensIssued()).toBe(1);
  });

  it('is renewed shortly before it expires, without a rejected call', async () => {
    await sftpgo.client.getUser('cp-acme');
    sftpgo.server.advance(3 * MINUTE + 59_000); // 1 s before the renewal point (4 min): kept
    await sftpgo.client.getUser('cp-acme');
    expect(sftpgo.server.tokensIssued()).toBe(1);

    sftpgo.server.advance(31_000); // 4 min 30 s: 30 s left, inside the last minute
    await sftpgo.client.getUser('cp-acme');
    expect(sftpgo.server.tokensIssued()).toBe(2);

    sftpgo.server.advance(MINUTE); // the first token is dead now; the second lives until 9 min 30 s
    await sftpgo.client.getUser('cp-acme');
    expect(sftpgo.server.tokensIssued()).toBe(2);
    expect(sftpgo.server.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('a token SFTPGo rejects is renewed once and the call repeated', async () => {
    // the client's clock stands still, so only the 401 can tell it the token died
    const client = sftpgo.clientWith({ now: () => 0 });
    await client.getUser('cp-acme');
    sftpgo.takeCalls();
    sftpgo.server.advance(6 * MINUTE);

    expect(await client.getUser('cp-acme')).toBeNull();

    expect(sftpgo.takeCalls()).toEqual(['get_user_by_username 401', 'get_token 200', 'get_user_by_username 404']);
  });

  it('a second 401 in a row is not retried again, and is final', async () => {
    await sftpgo.client.getUser('cp-acme');
    sftpgo.takeCalls();
    sftpgo.server.failNext('get_user_by_username', 401, { error: 'Unauthorized', message: 'token revoked' }, 2);

    const error = await sftpgo.client.getUser('cp-acme').catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'RemoteError',
      remote: 'sftpgo',
      retryable: false,
      message: 'SFTPGo GET /users/cp-acme answered 401: Unauthorized: token revoked',
    });
    expect(sftpgo.takeCalls()).toEqual(['get_user_by_username 401', 'get_token 200', 'get_user_by_username 401']);
  });

  it('wrong admin credentials fail for good, without showing the password', async () => {
    const wrongPassword = 'not-the-Adm1n-pass';
    const client = sftpgo.clientWith({ adminPassword: wrongPassword });

    const error = await client.getUser('cp-acme').catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'RemoteError', retryable: false, message: 'SFTPGo GET /token answered 401: Unauthorized: invalid credentials' });
    expect(JSON.stringify(error) + String(error)).not.toContain(wrongPassword);
    expect(String(error)).not.toContain(ADMIN.password);
  });
});
