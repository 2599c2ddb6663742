import type { AccessKeyStatus } from '../../domain/access-key/access-key-decider.ts';
import type { AccessKeyPermission } from '../../domain/access-key/access-key-rules.ts';

/**
 * Row shape of the `access_keys` read model: what a portal lists. Never a secret, never the
 * sealed secret or its data key id. `status` is what was recorded (active or revoked);
 * expired is worked out at read time from expires_at.
 */
export interface AccessKeysTable {
  key_id: string;
  account_id: string;
  name: string;
  /** the current credentials' id */
  access_key_id: string;
  /** 'all': every bucket of the account; 'listed': bucket_ids only */
  bucket_scope: 'all' | 'listed';
  bucket_ids: string[];
  permission: AccessKeyPermission;
  status: AccessKeyStatus;
  issued_at: Date | string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  rotated_at: Date | string | null;
  /** credentials before the last rotation, and until when they work */
  previous_access_key_id: string | null;
  previous_valid_until: Date | string | null;
  /** when MinIO got the current credentials; null while pending */
  provisioned_at: Date | string | null;
  /** stream revision of the last event applied, as a decimal string */
  revision: string;
}

/** Row shapes of the access-keys read models, merged into ReadModelDatabase. */
export interface AccessKeyTables {
  access_keys: AccessKeysTable;
}
