import type { AccessKeyCommands } from '../../commands/access-key-commands.ts';
import type { StateAt } from '../../commands/state-at.ts';
import { accessKeyStatusAt, type AccessKeyState } from '../../domain/access-key/access-key-decider.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { accessKeysPage, findAccessKey } from '../../projections/access-keys/access-key-queries.ts';
import type { AccessKeysTable } from '../../projections/access-keys/access-key-tables.ts';
import { onePageAsOf } from '../as-of.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import { AsOfField, AsOfQuery } from '../schemas/instant-schemas.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import {
  AccessKeyListQuery,
  AccessKeyParams,
  AccessKeyView,
  AccessKeyWithSecretView,
  IssueAccessKeyBody,
  RecordProvisionedBody,
} from '../schemas/access-key-schemas.ts';
import { iso, isoOrNull } from './iso.ts';

const tags = ['access keys'];

export function accessKeyViewFromRow(row: AccessKeysTable, now: string): AccessKeyView {
  const expired = row.status === 'active' && row.expires_at !== null && iso(row.expires_at) <= now;
  return {
    keyId: row.key_id,
    name: row.name,
    accessKeyId: row.access_key_id,
    buckets: row.bucket_scope === 'all' ? 'all' : row.bucket_ids,
    permission: row.permission,
    status: expired ? 'expired' : row.status,
    issuedAt: iso(row.issued_at),
    expiresAt: isoOrNull(row.expires_at),
    revokedAt: isoOrNull(row.revoked_at),
    rotatedAt: isoOrNull(row.rotated_at),
    previousAccessKeyId: row.previous_access_key_id,
    previousValidUntil: isoOrNull(row.previous_valid_until),
    provisionedAt: isoOrNull(row.provisioned_at),
  };
}

/** The same view from the write model, for command responses (the read model may lag). */
export function accessKeyViewFromState(state: AccessKeyState, now: string): AccessKeyView {
  if (state.status === 'none') throw new Error('unreachable: a command answered for a key that does not exist');
  return {
    keyId: state.keyId,
    name: state.name,
    accessKeyId: state.current.accessKeyId,
    buckets: state.buckets === 'all' ? 'all' : [...state.buckets],
    permission: state.permission,
    status: accessKeyStatusAt(state, now),
    issuedAt: state.issuedAt,
    expiresAt: state.expiresAt === null ? null : iso(state.expiresAt),
    revokedAt: state.revokedAt,
    rotatedAt: state.rotatedAt,
    previousAccessKeyId: state.previous?.accessKeyId ?? null,
    previousValidUntil: state.previous?.validUntil ?? null,
    provisionedAt: state.current.provisionedAt,
  };
}


export interface AccessKeyRoutesDeps {
  issueAccessKey: AccessKeyCommands['issue'];
  rotateAccessKey: AccessKeyCommands['rotate'];
  revokeAccessKey: AccessKeyCommands['revoke'];
  recordAccessKeyProvisioned: AccessKeyCommands['recordProvisioned'];
  accessKeysPage: Query<typeof accessKeysPage>;
  findAccessKey: Query<typeof findAccessKey>;
  /** `?asOf=`: keys folded from their streams up to an instant (never their secrets) */
  accessKeysAt: StateAt['accessKeys'];
  accessKeyAt: StateAt['accessKey'];
}

export function registerAccessKeyRoutes(routes: RouteRegistry, deps: AccessKeyRoutesDeps): void {
  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/access-keys',
    summary: 'Issue an access key; its secret is in this response only',
    tags,
    access: 'keys:manage',
    params: AccountIdParams,
    body: IssueAccessKeyBody,
    responses: { 201: AccessKeyWithSecretView },
    secretFields: ['secretAccessKey'],
    async handler({ params, body, context, newId }) {
      const issued = await deps.issueAccessKey({ accountId: params.accountId, ...body }, context, newId('access-key'));
      const view = accessKeyViewFromState(issued.result.state, context.occurredAt);
      return {
        status: 201,
        body: issued.secretAccessKey === null ? view : { ...view, secretAccessKey: issued.secretAccessKey },
        headers: {
          location: `/accounts/${params.accountId}/access-keys/${view.keyId}`,
          ...(issued.result.position ? { 'event-position': issued.result.position } : {}),
          // a retry that found the key its lost first answer issued
          ...(issued.secretAccessKey === null ? { 'secrets-omitted': 'secretAccessKey' } : {}),
        },
      };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/access-keys',
    summary: "List the account's access keys, newest first (never their secrets)",
    tags,
    access: 'keys:read',
    readModels: ['access-keys'],
    params: AccountIdParams,
    query: PageQuery.extend(AccessKeyListQuery.shape).extend(AsOfField),
    responses: { 200: pageOf(AccessKeyView) },
    async handler({ params, query, context }) {
      if (query.asOf) {
        const keys = await deps.accessKeysAt(params.accountId, { asOf: query.asOf, now: context.occurredAt }, { status: query.status });
        return { status: 200, body: onePageAsOf(query, keys, (key) => accessKeyViewFromState(key, query.asOf!)) };
      }
      const now = context.occurredAt;
      const after = decodeCursor(query.cursor, ['instant', 'id']);
      const rows = await deps.accessKeysPage(params.accountId, {
        ...(query.status ? { status: query.status } : {}),
        now,
        ...(after ? { after } : {}),
        limit: query.limit + 1,
      });
      return {
        status: 200,
        body: pageFrom(rows, query.limit, (last) => [iso(last.issued_at), last.key_id], (row) => accessKeyViewFromRow(row, now)),
      };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/access-keys/:keyId',
    summary: 'Show an access key (never its secret)',
    tags,
    access: 'keys:read',
    readModels: ['access-keys'],
    params: AccessKeyParams,
    query: AsOfQuery,
    responses: { 200: AccessKeyView },
    async handler({ params, query, context }) {
      if (query.asOf) return { status: 200, body: accessKeyViewFromState(await deps.accessKeyAt(params.accountId, params.keyId, { asOf: query.asOf, now: context.occurredAt }), query.asOf) };
      const row = await deps.findAccessKey(params.accountId, params.keyId);
      if (!row) throw new NotFoundError('access_key_not_found', `access key ${params.keyId} does not exist`);
      return { status: 200, body: accessKeyViewFromRow(row, context.occurredAt) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/access-keys/:keyId/revoke',
    summary: 'Revoke an access key: its credentials, current and previous, stop working',
    tags,
    access: 'keys:manage',
    params: AccessKeyParams,
    responses: { 200: AccessKeyView },
    async handler({ params, context }) {
      const result = await deps.revokeAccessKey(params, context);
      return { status: 200, body: accessKeyViewFromState(result.state, context.occurredAt), headers: result.position ? { 'event-position': result.position } : undefined };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/access-keys/:keyId/rotate',
    summary: `Give an access key new credentials (shown once); the old ones keep working for a grace period (previousValidUntil)`,
    tags,
    access: 'keys:manage',
    params: AccessKeyParams,
    responses: { 200: AccessKeyWithSecretView },
    secretFields: ['secretAccessKey'],
    async handler({ params, context, newId }) {
      const rotated = await deps.rotateAccessKey(params, context, newId('access-key-rotation'));
      const view = accessKeyViewFromState(rotated.result.state, context.occurredAt);
      return {
        status: 200,
        body: rotated.secretAccessKey === null ? view : { ...view, secretAccessKey: rotated.secretAccessKey },
        headers: {
          ...(rotated.result.position ? { 'event-position': rotated.result.position } : {}),
          // a retry that found the rotation its lost first answer made
          ...(rotated.secretAccessKey === null ? { 'secrets-omitted': 'secretAccessKey' } : {}),
        },
      };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/access-keys/:keyId/provisioned',
    summary: 'Record that storage has these credentials (operators; the MinIO reactor later); destroys the sealed secret',
    tags,
    access: 'account:operator',
    params: AccessKeyParams,
    body: RecordProvisionedBody,
    responses: { 200: AccessKeyView },
    async handler({ params, body, context }) {
      const result = await deps.recordAccessKeyProvisioned({ ...params, accessKeyId: body.accessKeyId }, context);
      return { status: 200, body: accessKeyViewFromState(result.state, context.occurredAt), headers: result.position ? { 'event-position': result.position } : undefined };
    },
  });
}
