import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../../src/ports/remote-error.ts';
import { ACME, PASSWORD, SECRET_KEY, useSftpgo } from './sftpgo-fixture.ts';

const BUCKET_PERMISSIONS = ['list', 'download', 'upload', 'overwrite', 'delete', 'rename', 'create_dirs'];

describe('SftpgoClient against the SFTPGo OpenAPI document', () => {
  const sftpgo = useSftpgo();

  it('creates the user with one S3 folder per bucket, the folders first', async () => {
    await sftpgo.client.putUser(ACME);

    expect(sftpgo.takeCalls()).toEqual([
      'get_token 200',
      'get_user_by_username 404',
      'get_folder_by_name 404',
      'add_folder 201',
      'get_folder_by_name 404',
      'add_folder 201',
      'add_user 201',
    ]);
    expect([...sftpgo.server.folders.keys()].sort()).toEqual(['cp-acme_acme-backup', 'cp-acme_acme-data']);
    const data = sftpgo.server.folders.get('cp-acme_acme-data')!;
    expect(data.record.filesystem).toEqual({
      provider: 1,
      s3config: {
        bucket: 'acme-data',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9000',
        access_key: 'AKIAACME000000000001',
        access_secret: { status: 'AES-256-GCM' },
        force_path_style: true,
      },
    });
    expect(data.s3Secret).toBe(SECRET_KEY);
    expect(sftpgo.server.folders.get('cp-acme_acme-backup')!.record.filesystem.s3config.bucket).toBe('acme-backup');

    const user = sftpgo.server.users.get('cp-acme')!;
    expect(user.password).toBe(PASSWORD);
    expect(user.record).toMatchObject({
      username: 'cp-acme',
      status: 1,
      home_dir: '/srv/sftpgo/data/cp-acme',
      filesystem: { provider: 0 },
      permissions: { '/': ['list'], '/acme-backup': BUCKET_PERMISSIONS, '/acme-data': BUCKET_PERMISSIONS },
      virtual_folders: [
        { name: 'cp-acme_acme-backup', virtual_path: '/acme-backup' },
        { name: 'cp-acme_acme-data', virtual_path: '/acme-data' },
      ],
    });
    // the admin token travelled as basic auth once, then as a bearer
    expect(sftpgo.server.requests.map((r) => r.auth)).toEqual(['basic', 'bearer', 'bearer', 'bearer', 'bearer', 'bearer', 'bearer']);
  });

  it('reads the user back as the port describes it, and null when SFTPGo has none', async () => {
    expect(await sftpgo.client.getUser('cp-acme')).toBeNull();
    await sftpgo.client.putUser(ACME);
    expect(await sftpgo.client.getUser('cp-acme')).toEqual({ username: 'cp-acme', status: 'enabled', buckets: ['acme-backup', 'acme-data'] });
  });

  it('putUser twice leaves the same remote state, and the second time creates nothing', async () => {
    await sftpgo.client.putUser(ACME);
    const first = sftpgo.server.snapshot();
    sftpgo.takeCalls();

    await sftpgo.client.putUser(ACME);

    expect(sftpgo.server.snapshot()).toEqual(first);
    expect(sftpgo.takeCalls()).toEqual([
      'get_user_by_username 200',
      'get_folder_by_name 200',
      'update_folder 200',
      'get_folder_by_name 200',
      'update_folder 200',
      'update_user 200',
    ]);
  });

  it('a password reset replaces the password, keeps the folders and ends open sessions', async () => {
    await sftpgo.client.putUser(ACME);
    const newPassword = 'Nw9pQ2rT5vX8zA1cE4gJ7kM0';

    await sftpgo.client.putUser({ ...ACME, password: newPassword });

    expect(sftpgo.server.users.get('cp-acme')!.password).toBe(newPassword);
    const update = sftpgo.server.requests.find((r) => r.operationId === 'update_user')!;
    expect(update.query).toEqual({ disconnect: '1' });
    expect(update.body.password).toBe(newPassword);
    expect(await sftpgo.client.getUser('cp-acme')).toEqual({ username: 'cp-acme', status: 'enabled', buckets: ['acme-backup', 'acme-data'] });
  });

  it('without a password an update keeps the one SFTPGo has, and a creation is refused before anything is made', async () => {
    await sftpgo.client.putUser(ACME);
    const { password: _omitted, ...withoutPassword } = ACME;

    await sftpgo.client.putUser(withoutPassword);
    expect(sftpgo.server.users.get('cp-acme')!.password).toBe(PASSWORD);
    expect(sftpgo.server.requests.find((r) => r.operationId === 'update_user')!.body).not.toHaveProperty('password');

    const refused = await sftpgo.client.putUser({ ...withoutPassword, username: 'cp-beta', buckets: ['beta-data'] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteError);
    expect(refused).toMatchObject({ remote: 'sftpgo', retryable: false, message: 'SFTPGo has no user cp-beta, and it cannot be created without its password' });
    expect(sftpgo.server.folders.has('cp-beta_beta-data')).toBe(false);
  });

  it('a bucket no longer mapped loses its folder; other users’ folders stay', async () => {
    await sftpgo.client.putUser({ ...ACME, username: 'cp-other', buckets: ['other-data'] });
    await sftpgo.client.putUser(ACME);

    await sftpgo.client.putUser({ ...ACME, buckets: ['acme-data'] });

    expect([...sftpgo.server.folders.keys()].sort()).toEqual(['cp-acme_acme-data', 'cp-other_other-data']);
    expect(await sftpgo.client.getUser('cp-acme')).toEqual({ username: 'cp-acme', status: 'enabled', buckets: ['acme-data'] });
    expect(sftpgo.server.users.get('cp-acme')!.record.permissions).toEqual({ '/': ['list'], '/acme-data': BUCKET_PERMISSIONS });
  });

  it('disables (ending open sessions) and re-enables the user, changing nothing else', async () => {
    await sftpgo.client.putUser(ACME);
    const before = sftpgo.server.users.get('cp-acme')!.record;
    sftpgo.takeCalls();

    await sftpgo.client.setUserStatus('cp-acme', 'disabled');
    expect(sftpgo.takeCalls()).toEqual(['get_user_by_username 200', 'update_user 200']);
    const disabled = sftpgo.server.users.get('cp-acme')!;
    expect(disabled.record).toEqual({ ...before, status: 0 });
    expect(disabled.password).toBe(PASSWORD);
    const update = sftpgo.server.requests.findLast((r) => r.operationId === 'update_user')!;
    expect(update.query).toEqual({ disconnect: '1' });
    expect(update.body).not.toHaveProperty('password');
    expect(update.body.virtual_folders).toEqual(before.virtual_folders);
    expect(await sftpgo.client.getUser('cp-acme')).toEqual({ username: 'cp-acme', status: 'disabled', buckets: ['acme-backup', 'acme-data'] });

    // already disabled: nothing to write
    await sftpgo.client.setUserStatus('cp-acme', 'disabled');
    sftpgo.takeCalls();

    await sftpgo.client.setUserStatus('cp-acme', 'enabled');
    expect(sftpgo.takeCalls()).toEqual(['get_user_by_username 200', 'update_user 200']);
    expect(sftpgo.server.requests.findLast((r) => r.operationId === 'update_user')!.query).toEqual({ disconnect: '0' });
    expect(sftpgo.server.users.get('cp-acme')!.record).toEqual(before);
    expect(sftpgo.server.users.get('cp-acme')!.password).toBe(PASSWORD);
  });

  it('setting the status of a user SFTPGo does not have fails for good', async () => {
    const error = await sftpgo.client.setUserStatus('cp-ghost', 'disabled').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RemoteError', remote: 'sftpgo', retryable: false, message: 'SFTPGo has no user cp-ghost to disable' });
  });

  it('deletes the user and its folders, only its own, and succeeds when it is already gone', async () => {
    await sftpgo.client.putUser({ ...ACME, username: 'cp-acme-eu', buckets: ['acme-eu-data'] });
    await sftpgo.client.putUser(ACME);

    await sftpgo.client.deleteUser('cp-acme');

    expect([...sftpgo.server.users.keys()]).toEqual(['cp-acme-eu']);
    expect([...sftpgo.server.folders.keys()]).toEqual(['cp-acme-eu_acme-eu-data']);
    expect(await sftpgo.client.getUser('cp-acme')).toBeNull();
    sftpgo.takeCalls();

    await sftpgo.client.deleteUser('cp-acme');
    expect(sftpgo.takeCalls()).toEqual(['delete_user 404', 'get_folders 200']);
  });

  it('a delete that crashed after the user went removes the folders left behind when run again', async () => {
    await sftpgo.client.putUser(ACME);
    sftpgo.server.users.delete('cp-acme');

    await sftpgo.client.deleteUser('cp-acme');

    expect(sftpgo.server.folders.size).toBe(0);
  });

  it('reads every page of folders before deleting', async () => {
    // 600 folders of other users sort before cp-zeta's: its folders are on the second page of 500
    for (let i = 0; i < 600; i++) {
      const name = `cp-alpha_bucket-${String(i).padStart(3, '0')}`;
      sftpgo.server.folders.set(name, { record: { id: 10_000 + i, name, filesystem: { provider: 0 } }, s3Secret: undefined });
    }
    await sftpgo.client.putUser({ ...ACME, username: 'cp-zeta', buckets: ['zeta-a', 'zeta-b'] });
    sftpgo.takeCalls();

    await sftpgo.client.deleteUser('cp-zeta');

    const listings = sftpgo.server.requests.filter((r) => r.operationId === 'get_folders').map((r) => r.query);
    expect(listings).toEqual([
      { offset: '0', limit: '500', order: 'ASC' },
      { offset: '500', limit: '500', order: 'ASC' },
    ]);
    expect(sftpgo.server.folders.size).toBe(600);
    expect(sftpgo.server.folders.has('cp-zeta_zeta-a')).toBe(false);
  });
});
