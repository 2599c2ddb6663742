import type { SftpUserCommands } from '../../commands/sftp-user-commands.ts';
import type { SftpUserState } from '../../domain/sftp-user/sftp-user-decider.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { findSftpUser } from '../../projections/sftp-users/sftp-user-queries.ts';
import type { SftpUsersTable } from '../../projections/sftp-users/sftp-user-tables.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import { NoInputBody, RecordSftpProvisionedBody, SftpBucketParams, SftpUserView, SftpUserWithPasswordView } from '../schemas/sftp-user-schemas.ts';
import { iso, isoOrNull } from './iso.ts';

const tags = ['sftp'];

export function sftpUserViewFromRow(row: SftpUsersTable): SftpUserView {
  return {
    accountId: row.account_id,
    username: row.username,
    status: row.status,
    bucketIds: row.bucket_ids,
    createdAt: iso(row.created_at),
    passwordResetAt: isoOrNull(row.password_reset_at),
    disabledAt: isoOrNull(row.disabled_at),
    provisionedAt: isoOrNull(row.provisioned_at),
  };
}

/** The same view from the write model, for command responses (the read model may lag). */
export function sftpUserViewFromState(state: SftpUserState): SftpUserView {
  if (state.status === 'none') throw new Error('unreachable: a command answered for an SFTP user that does not exist');
  return {
    accountId: state.accountId,
    username: state.username,
    status: state.status,
    bucketIds: [...state.bucketIds],
    createdAt: state.createdAt,
    passwordResetAt: state.passwordResetAt,
    disabledAt: state.disabledAt,
    provisionedAt: state.password.provisionedAt,
  };
}


const positionHeader = (position: string | null) => (position ? { 'event-position': position } : undefined);
const withPassword = (view: SftpUserView, password: string | null) => (password === null ? view : { ...view, password });
/** A retry that found what its lost first answer recorded: that password is not shown. */
const passwordOmitted = (password: string | null): Record<string, string> => (password === null ? { 'secrets-omitted': 'password' } : {});

export interface SftpUserRoutesDeps {
  createSftpUser: SftpUserCommands['create'];
  resetSftpPassword: SftpUserCommands['resetPassword'];
  mapSftpBucket: SftpUserCommands['mapBucket'];
  unmapSftpBucket: SftpUserCommands['unmapBucket'];
  disableSftpUser: SftpUserCommands['disable'];
  recordSftpUserProvisioned: SftpUserCommands['recordProvisioned'];
  findSftpUser: Query<typeof findSftpUser>;
}

export function registerSftpUserRoutes(routes: RouteRegistry, deps: SftpUserRoutesDeps): void {

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/sftp-user',
    summary: "Create the account's SFTP user (cp-<slug>); its password is in this response only",
    tags,
    access: 'sftp:manage',
    params: AccountIdParams,
    body: NoInputBody,
    responses: { 201: SftpUserWithPasswordView },
    secretFields: ['password'],
    async handler({ params, context, newId }) {
      const { result, password } = await deps.createSftpUser(params.accountId, context, newId('sftp-user'));
      return {
        status: 201,
        body: withPassword(sftpUserViewFromState(result.state), password),
        headers: { ...positionHeader(result.position), location: `/accounts/${params.accountId}/sftp-user`, ...passwordOmitted(password) },
      };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/sftp-user',
    summary: "Show the account's SFTP user (never its password)",
    tags,
    access: 'sftp:read',
    readModels: ['sftp-users'],
    params: AccountIdParams,
    responses: { 200: SftpUserView },
    async handler({ params }) {
      const row = await deps.findSftpUser(params.accountId);
      if (!row) throw new NotFoundError('sftp_user_not_found', `account ${params.accountId} has no SFTP user`);
      return { status: 200, body: sftpUserViewFromRow(row) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/sftp-user/reset-password',
    summary: 'Give the SFTP user a new password, shown once in this response',
    tags,
    access: 'sftp:manage',
    params: AccountIdParams,
    body: NoInputBody,
    responses: { 200: SftpUserWithPasswordView },
    secretFields: ['password'],
    async handler({ params, context, newId }) {
      const { result, password } = await deps.resetSftpPassword(params.accountId, context, newId('sftp-password-reset'));
      return { status: 200, body: withPassword(sftpUserViewFromState(result.state), password), headers: { ...positionHeader(result.position), ...passwordOmitted(password) } };
    },
  });

  routes.add({
    method: 'PUT',
    url: '/accounts/:accountId/sftp-user/buckets/:bucketId',
    summary: "Make one of the account's buckets reachable over SFTP",
    tags,
    access: 'sftp:manage',
    params: SftpBucketParams,
    responses: { 200: SftpUserView },
    async handler({ params, context }) {
      const result = await deps.mapSftpBucket(params, context);
      return { status: 200, body: sftpUserViewFromState(result.state), headers: positionHeader(result.position) };
    },
  });

  routes.add({
    method: 'DELETE',
    url: '/accounts/:accountId/sftp-user/buckets/:bucketId',
    summary: 'Stop a bucket being reachable over SFTP',
    tags,
    access: 'sftp:manage',
    params: SftpBucketParams,
    responses: { 200: SftpUserView },
    async handler({ params, context }) {
      const result = await deps.unmapSftpBucket(params, context);
      return { status: 200, body: sftpUserViewFromState(result.state), headers: positionHeader(result.position) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/sftp-user/disable',
    summary: 'Disable the SFTP user for good',
    tags,
    access: 'sftp:manage',
    params: AccountIdParams,
    body: NoInputBody,
    responses: { 200: SftpUserView },
    async handler({ params, context }) {
      const result = await deps.disableSftpUser(params.accountId, context);
      return { status: 200, body: sftpUserViewFromState(result.state), headers: positionHeader(result.position) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/sftp-user/provisioned',
    summary: 'Record that the SFTP server has the user with this password (operators; the SFTPGo reactor later); destroys the sealed password',
    tags,
    access: 'account:operator',
    params: AccountIdParams,
    body: RecordSftpProvisionedBody,
    responses: { 200: SftpUserView },
    async handler({ params, body, context }) {
      const result = await deps.recordSftpUserProvisioned({ accountId: params.accountId, dataKeyId: body.dataKeyId }, context);
      return { status: 200, body: sftpUserViewFromState(result.state), headers: positionHeader(result.position) };
    },
  });
}
