import type { Transaction, UpdateObject } from 'kysely';
import { accessKeyEvents } from '../../domain/access-key/access-key-events.ts';
import { assertNever } from '../../domain/decider.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { AccessKeyTables } from './access-key-tables.ts';

type Trx = Transaction<AccessKeyTables>;

/** One row per access key; the sealed secret in the events is deliberately left behind. */
export const accessKeysProjection: Projection = {
  name: 'access-keys',
  eventTypes: new Set(accessKeyEvents.types),
  tables: ['access_keys'],

  async apply(trx: Trx, recorded: RecordedEvent) {
    const event = accessKeyEvents.narrow(recorded);
    const revision = recorded.streamRevision.toString();
    const { keyId } = event.data;
    const update = (values: UpdateObject<AccessKeyTables, 'access_keys'>) => updateOneRow(trx, 'access_keys', { key_id: keyId }, values, `access key ${keyId}`);
    switch (event.type) {
      case 'AccessKeyIssued': {
        const d = event.data;
        await trx
          .insertInto('access_keys')
          .values({
            key_id: d.keyId,
            account_id: d.accountId,
            name: d.name,
            access_key_id: d.accessKeyId,
            bucket_scope: d.buckets === 'all' ? 'all' : 'listed',
            bucket_ids: d.buckets === 'all' ? [] : [...d.buckets],
            permission: d.permission,
            status: 'active',
            issued_at: d.issuedAt,
            expires_at: d.expiresAt,
            revoked_at: null,
            rotated_at: null,
            previous_access_key_id: null,
            previous_valid_until: null,
            provisioned_at: null,
            revision,
          })
          .execute();
        return;
      }
      case 'AccessKeyRotated': {
        const d = event.data;
        await update({
          access_key_id: d.accessKeyId,
          rotated_at: d.rotatedAt,
          previous_access_key_id: d.previousAccessKeyId,
          previous_valid_until: d.previousSecretValidUntil,
          provisioned_at: null,
          revision,
        });
        return;
      }
      case 'AccessKeyRevoked':
        await update({ status: 'revoked', revoked_at: event.data.revokedAt, revision });
        return;
      case 'AccessKeyProvisioned': {
        const d = event.data;
        // Only the current credentials' provisioning shows; the previous ones are on their way out.
        await update({ revision });
        await trx.updateTable('access_keys').set({ provisioned_at: d.provisionedAt }).where('key_id', '=', d.keyId).where('access_key_id', '=', d.accessKeyId).execute();
        return;
      }
      default:
        assertNever(event);
    }
  },
};
