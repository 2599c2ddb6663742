import { requireAccountAcceptsWork } from '../account/account-guard.ts';
import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, IllegalStateError, NotFoundError } from '../errors.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';
import type { SftpUserCommand } from './sftp-user-commands.ts';
import type { SftpUserEvent } from './sftp-user-events.ts';
import { sftpUsernameFor } from './sftp-user-rules.ts';

/**
 * active ─► disabled   (for good: the account's one SFTP user is not re-created)
 *
 * The password is held only sealed; `password.dataKeyId` names the data key of the newest
 * one, which SFTPGo has once `provisionedAt` is set (and the data key is then destroyed).
 *
 * `storageCredential` is the MinIO user SFTPGo reaches the buckets with: issued once, by the
 * first sync, and reused by every later one (null until then, and in older histories).
 */
export type SftpUserStatus = 'active' | 'disabled';

export type SftpUserState =
  | { status: 'none' }
  | {
      status: SftpUserStatus;
      accountId: string;
      username: string;
      bucketIds: string[];
      createdAt: string;
      passwordResetAt: string | null;
      disabledAt: string | null;
      password: { dataKeyId: string; provisionedAt: string | null };
      /** the ids of the creating request and of the last reset's, so their retries are recognised (null if unrecorded) */
      creationId: string | null;
      lastPasswordResetId: string | null;
      storageCredential: StorageCredential | null;
    };

export interface StorageCredential {
  accessKey: string;
  sealedSecret: SealedSecret;
}

const sameSealedSecret = (a: SealedSecret, b: SealedSecret) =>
  a.dataKeyId === b.dataKeyId && a.ciphertext === b.ciphertext && a.iv === b.iv && a.authTag === b.authTag;

type ExistingUser = Exclude<SftpUserState, { status: 'none' }>;

function requireUser(state: SftpUserState, accountId: string): ExistingUser {
  if (state.status === 'none' || state.accountId !== accountId) throw new NotFoundError('sftp_user_not_found', `account ${accountId} has no SFTP user`);
  return state;
}

function requireActive(user: ExistingUser): ExistingUser {
  if (user.status === 'disabled') throw new IllegalStateError('sftp_user_disabled', `SFTP user ${user.username} is disabled`);
  return user;
}

const ref = (user: ExistingUser) => ({ accountId: user.accountId, username: user.username });

export const sftpUserDecider: Decider<SftpUserCommand, SftpUserEvent, SftpUserState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'CreateSftpUser': {
        const { data } = command;
        // A retry of the request that created the user: its outcome stands.
        if (state.status !== 'none' && state.accountId === data.accountId && state.creationId === data.creationId) return [];
        if (state.status !== 'none') throw new ConflictError('sftp_user_exists', `account ${data.accountId} already has SFTP user ${state.username}`);
        requireAccountAcceptsWork(data.accountStatus, data.accountId);
        return [
          {
            type: 'SftpUserCreated',
            data: {
              accountId: data.accountId,
              username: sftpUsernameFor(data.accountSlug),
              sealedPassword: data.sealedPassword,
              createdAt: data.createdAt,
              creationId: data.creationId,
            },
          },
        ];
      }
      case 'ResetSftpPassword': {
        const { data } = command;
        // A retry of the last reset: its outcome stands, whatever happened since.
        if (requireUser(state, data.accountId).lastPasswordResetId === data.resetId) return [];
        const user = requireActive(requireUser(state, data.accountId));
        requireAccountAcceptsWork(data.accountStatus, data.accountId);
        return [{ type: 'SftpPasswordReset', data: { ...ref(user), sealedPassword: data.sealedPassword, resetAt: data.resetAt, resetId: data.resetId } }];
      }
      case 'MapBucketToSftp': {
        const { data } = command;
        const user = requireActive(requireUser(state, data.accountId));
        requireAccountAcceptsWork(data.accountStatus, data.accountId);
        if (!data.bucketUsable) throw new NotFoundError('bucket_not_found', `bucket ${data.bucketId} does not exist (or is being deleted)`);
        if (user.bucketIds.includes(data.bucketId)) return [];
        return [{ type: 'SftpBucketMapped', data: { ...ref(user), bucketId: data.bucketId, mappedAt: data.mappedAt } }];
      }
      case 'UnmapBucketFromSftp': {
        // Taking access away is allowed whatever the account's or the user's status.
        const user = requireUser(state, command.data.accountId);
        if (!user.bucketIds.includes(command.data.bucketId)) {
          // Not mapped: a retry for one of the account's buckets, or a bucket that is not there.
          if (!command.data.bucketOfAccount) throw new NotFoundError('bucket_not_found', `bucket ${command.data.bucketId} does not exist`);
          return [];
        }
        return [{ type: 'SftpBucketUnmapped', data: { ...ref(user), bucketId: command.data.bucketId, unmappedAt: command.data.unmappedAt } }];
      }
      case 'DisableSftpUser': {
        const user = requireUser(state, command.data.accountId);
        if (user.status === 'disabled') return [];
        return [{ type: 'SftpUserDisabled', data: { ...ref(user), disabledAt: command.data.disabledAt } }];
      }
      case 'RecordSftpUserProvisioned': {
        const { data } = command;
        const user = requireUser(state, data.accountId);
        if (user.password.dataKeyId !== data.dataKeyId) {
          // SFTPGo got a password that a reset has since replaced: the newer one is still to be handed over.
          throw new ConflictError('sftp_password_superseded', `the password sealed under ${data.dataKeyId} is not ${user.username}'s current one`);
        }
        if (user.password.provisionedAt !== null) return [];
        return [{ type: 'SftpUserProvisioned', data: { ...ref(user), dataKeyId: data.dataKeyId, provisionedAt: data.provisionedAt } }];
      }
      case 'RecordSftpStorageCredential': {
        // Whatever the user's or the account's status: a sync of a disabled user or a
        // suspended account still describes the S3 folders, with this credential.
        const { data } = command;
        const user = requireUser(state, data.accountId);
        const existing = user.storageCredential;
        if (existing) {
          // The same record repeated (a retried command) changes nothing; another one would
          // leave MinIO and SFTPGo with two secrets, so the first stays and the caller uses it.
          if (existing.accessKey === data.accessKey && sameSealedSecret(existing.sealedSecret, data.sealedSecret)) return [];
          throw new IllegalStateError('storage_credential_exists', `SFTP user ${user.username} already has a storage credential`);
        }
        return [
          {
            type: 'SftpStorageCredentialIssued',
            data: { ...ref(user), accessKey: data.accessKey, sealedSecret: data.sealedSecret, issuedAt: data.issuedAt },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SftpUserCreated': {
        const d = event.data;
        return {
          status: 'active',
          accountId: d.accountId,
          username: d.username,
          bucketIds: [],
          createdAt: d.createdAt,
          passwordResetAt: null,
          disabledAt: null,
          password: { dataKeyId: d.sealedPassword.dataKeyId, provisionedAt: null },
          creationId: d.creationId ?? null,
          lastPasswordResetId: null,
          storageCredential: null,
        };
      }
      case 'SftpPasswordReset':
        if (state.status === 'none') return state;
        return {
          ...state,
          passwordResetAt: event.data.resetAt,
          lastPasswordResetId: event.data.resetId ?? null,
          password: { dataKeyId: event.data.sealedPassword.dataKeyId, provisionedAt: null },
        };
      case 'SftpBucketMapped':
        if (state.status === 'none') return state;
        return { ...state, bucketIds: [...state.bucketIds, event.data.bucketId] };
      case 'SftpBucketUnmapped':
        if (state.status === 'none') return state;
        return { ...state, bucketIds: state.bucketIds.filter((id) => id !== event.data.bucketId) };
      case 'SftpUserDisabled':
        if (state.status === 'none') return state;
        return { ...state, status: 'disabled', disabledAt: event.data.disabledAt };
      case 'SftpUserProvisioned':
        if (state.status === 'none') return state;
        return { ...state, password: { ...state.password, provisionedAt: event.data.provisionedAt } };
      case 'SftpStorageCredentialIssued':
        if (state.status === 'none') return state;
        return { ...state, storageCredential: { accessKey: event.data.accessKey, sealedSecret: event.data.sealedSecret } };
      default:
        return assertNever(event);
    }
  },
};
