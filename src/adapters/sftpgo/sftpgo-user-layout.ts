import type { SftpRemoteUser, SftpUserSpec } from '../../ports/sftp-server.ts';
import {
  FS_PROVIDER_LOCAL,
  FS_PROVIDER_S3,
  USER_DISABLED,
  USER_ENABLED,
  type SftpgoFolder,
  type SftpgoFolderMount,
  type SftpgoUser,
} from './sftpgo-schema.ts';

/**
 * How an account's SFTP user looks in SFTPGo: a local, empty root the user can only list,
 * and one S3 virtual folder per mapped bucket mounted at `/<bucket>`. Nothing can be stored
 * outside the buckets, where it would escape metering and billing.
 */

const ROOT_PERMISSIONS = ['list'];
/** everything a file client needs; no chmod/chown/chtimes/symlinks, which S3 cannot keep */
const BUCKET_PERMISSIONS = ['list', 'download', 'upload', 'overwrite', 'delete', 'rename', 'create_dirs'];

/**
 * `<username>_<bucket>`: folder names are global in SFTPGo, so they carry the user. Bucket
 * names never contain `_`, so the owner is everything before the last `_`, unambiguously.
 */
export function folderName(username: string, bucket: string): string {
  return `${username}_${bucket}`;
}

export function ownerOfFolder(name: string): string | null {
  const cut = name.lastIndexOf('_');
  return cut > 0 ? name.slice(0, cut) : null;
}

export function mappedBuckets(spec: SftpUserSpec): string[] {
  return [...new Set(spec.buckets)].sort();
}

export function folderBody(spec: SftpUserSpec, bucket: string): SftpgoFolder {
  return {
    name: folderName(spec.username, bucket),
    description: `bucket ${bucket} of SFTP user ${spec.username} (managed by CloudPro Ledger)`,
    filesystem: {
      provider: FS_PROVIDER_S3,
      s3config: {
        bucket,
        region: spec.s3.region,
        endpoint: spec.s3.endpoint,
        access_key: spec.s3.accessKey,
        access_secret: { status: 'Plain', payload: spec.s3.secretKey },
        // MinIO serves buckets by path, not by virtual host
        force_path_style: true,
      },
    },
  };
}

export function userBody(spec: SftpUserSpec, usersHome: string): SftpgoUser {
  const buckets = mappedBuckets(spec);
  const permissions: Record<string, string[]> = { '/': ROOT_PERMISSIONS };
  for (const bucket of buckets) permissions[`/${bucket}`] = BUCKET_PERMISSIONS;
  const body: SftpgoUser = {
    username: spec.username,
    status: spec.status === 'enabled' ? USER_ENABLED : USER_DISABLED,
    description: 'CloudPro account SFTP user (managed by CloudPro Ledger)',
    home_dir: `${usersHome.replace(/\/+$/, '')}/${spec.username}`,
    permissions,
    filesystem: { provider: FS_PROVIDER_LOCAL },
    virtual_folders: buckets.map((bucket) => ({ name: folderName(spec.username, bucket), virtual_path: `/${bucket}` })),
  };
  // absent, SFTPGo keeps the password it has
  if (spec.password !== undefined) body.password = spec.password;
  return body;
}

export function toRemoteUser(user: SftpgoUser): SftpRemoteUser {
  return {
    username: user.username,
    status: user.status === USER_ENABLED ? 'enabled' : 'disabled',
    buckets: (user.virtual_folders ?? []).map((mount) => mount.virtual_path.replace(/^\/+/, '')).sort(),
  };
}

/** folders this user mounts that this adapter made for it */
export function ownFolders(user: SftpgoUser): string[] {
  return (user.virtual_folders ?? []).map((mount) => mount.name).filter((name) => ownerOfFolder(name) === user.username);
}

/** what SFTPGo computes or keeps by itself: never sent back in an update */
const SERVER_KEPT = [
  'id',
  'has_password',
  'used_quota_size',
  'used_quota_files',
  'last_quota_update',
  'used_upload_data_transfer',
  'used_download_data_transfer',
  'created_at',
  'updated_at',
  'last_login',
  'first_download',
  'first_upload',
  'last_password_change',
];

/**
 * The user as SFTPGo answered it, with another status, ready for `PUT /users/{username}`.
 * An update replaces the whole user, so everything else goes back as it was; the password is
 * absent, which SFTPGo reads as "keep it"; folders go back as mounts only (a folder's own
 * settings, its S3 secret among them, are the folder's business, not the user's).
 */
export function withStatus(user: SftpgoUser, status: 'enabled' | 'disabled'): SftpgoUser {
  const body: SftpgoUser = { ...user, status: status === 'enabled' ? USER_ENABLED : USER_DISABLED };
  for (const field of SERVER_KEPT) delete body[field];
  delete body.password;
  if (user.virtual_folders) body.virtual_folders = user.virtual_folders.map(mountOnly);
  return body;
}

function mountOnly(mount: SftpgoFolderMount): SftpgoFolderMount {
  const kept: SftpgoFolderMount = { name: mount.name, virtual_path: mount.virtual_path };
  for (const field of ['quota_size', 'quota_files', 'subpath'] as const) if (mount[field] !== undefined) kept[field] = mount[field];
  return kept;
}
