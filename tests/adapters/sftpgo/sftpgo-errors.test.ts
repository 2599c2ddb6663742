import { describe, expect, it } from 'vitest';
import { SftpgoClient } from '../../../src/adapters/sftpgo/index.ts';
import { RemoteError } from '../../../src/ports/remote-error.ts';
import { startSftpgoSpecServer } from '../../support/sftpgo-spec-server.ts';
import { ACME, ADMIN, PASSWORD, SECRET_KEY, useSftpgo } from './sftpgo-fixture.ts';

async function failure(work: Promise<unknown>): Promise<RemoteError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RemoteError);
  return error as RemoteError;
}

function expectNoSecrets(error: RemoteError) {
  const shown = `${String(error)} ${error.stack ?? ''} ${JSON.stringify(error)}`;
  for (const secret of [PASSWORD, SECRET_KEY, ADMIN.password]) expect(shown).not.toContain(secret);
}

describe('SFTPGo errors', () => {
  const sftpgo = useSftpgo();

  it('a 5xx carries SFTPGo’s reason and may be retried', async () => {
    sftpgo.server.failNext('add_folder', 500, { error: 'database is locked', message: 'Unable to add folder' });

    const error = await failure(sftpgo.client.putUser(ACME));

    expect(error.remote).toBe('sftpgo');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('SFTPGo POST /folders answered 500: database is locked: Unable to add folder');
    expectNoSecrets(error);
  });

  it('a 4xx is final, and what SFTPGo echoes of the password or the S3 secret is redacted', async () => {
    sftpgo.server.failNext('add_user', 400, {
      error: `Validation error: password "${PASSWORD}" is too weak; access secret ${SECRET_KEY} rejected`,
      message: 'Unable to add user',
    });

    const error = await failure(sftpgo.client.putUser(ACME));

    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'SFTPGo POST /users answered 400: Validation error: password "[redacted]" is too weak; access secret [redacted] rejected: Unable to add user',
    );
    expectNoSecrets(error);
  });

  it('403 is final; 429 may be retried', async () => {
    sftpgo.server.failNext('get_user_by_username', 403, { error: 'Forbidden', message: 'permission denied: view_users' });
    const forbidden = await failure(sftpgo.client.getUser('cp-acme'));
    expect(forbidden).toMatchObject({ retryable: false, message: 'SFTPGo GET /users/cp-acme answered 403: Forbidden: permission denied: view_users' });

    sftpgo.server.failNext('delete_user', 429, { error: 'Too Many Requests', message: '' });
    const slowDown = await failure(sftpgo.client.deleteUser('cp-acme'));
    expect(slowDown).toMatchObject({ retryable: true, message: 'SFTPGo DELETE /users/cp-acme answered 429: Too Many Requests' });
  });

  it('SFTPGo’s own validation refusal reaches the caller as its message, and nothing after it is done', async () => {
    // a relative home directory passes the schema, but SFTPGo wants an absolute path
    const client = sftpgo.clientWith({ usersHome: 'srv/sftpgo' });

    const error = await failure(client.putUser(ACME));

    expect(error).toMatchObject({ retryable: false, message: 'SFTPGo POST /users answered 400: Validation error: home_dir must be an absolute path: Unable to add user' });
    expect(sftpgo.server.users.size).toBe(0);
  });
});

describe('SFTPGo unreachable', () => {
  it('a refused connection may be retried and names no secret', async () => {
    const server = await startSftpgoSpecServer({ adminUser: ADMIN.user, adminPassword: ADMIN.password });
    const url = server.url;
    await server.close();
    const client = new SftpgoClient({ baseUrl: url, adminUser: ADMIN.user, adminPassword: ADMIN.password });

    const error = await failure(client.putUser(ACME));

    expect(error.retryable).toBe(true);
    expect(error.message).toBe('SFTPGo GET /token: cannot reach SFTPGo (ECONNREFUSED)');
    expectNoSecrets(error);
  });

  it('refuses a base URL that carries credentials, without repeating them', () => {
    expect(() => new SftpgoClient({ baseUrl: 'http://admin:hunter2@127.0.0.1:8080', adminUser: 'a', adminPassword: 'b' })).toThrow(
      'the SFTPGo base URL must not carry credentials: give them as the admin user and password',
    );
  });
});
