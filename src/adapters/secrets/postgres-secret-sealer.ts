import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SecretShreddedError, type SealedSecret, type SecretSealer } from '../../ports/secret-sealer.ts';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Envelope encryption with AES-256-GCM, data keys in the `sealing_keys` table.
 *
 * Each seal draws a fresh data key and encrypts the secret under it; the data key is stored
 * only wrapped (encrypted under the platform key). Both encryptions take the data key's id
 * as additional authenticated data, so a sealed secret cannot be opened with another row's
 * key, nor a wrapped key moved to another id. Deleting the row (shred) leaves the sealed
 * secret in the event log unreadable for good, platform key or not.
 */
export class PostgresSecretSealer implements SecretSealer {
  constructor(
    private readonly db: Kysely<any>,
    private readonly platformKey: Buffer,
  ) {
    if (platformKey.length !== KEY_BYTES) throw new RangeError(`the platform key must be ${KEY_BYTES} bytes, not ${platformKey.length}`);
  }

  async seal(plaintext: string): Promise<SealedSecret> {
    const dataKeyId = randomUUID();
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const sealed = encrypt(dataKey, Buffer.from(plaintext, 'utf8'), dataKeyId);
      const wrapped = encrypt(this.platformKey, dataKey, dataKeyId);
      await this.db
        .insertInto('sealing_keys')
        .values({ data_key_id: dataKeyId, wrapped_key: Buffer.concat([wrapped.iv, wrapped.authTag, wrapped.ciphertext]).toString('base64') })
        .execute();
      return {
        dataKeyId,
        ciphertext: sealed.ciphertext.toString('base64'),
        iv: sealed.iv.toString('base64'),
        authTag: sealed.authTag.toString('base64'),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  async open(sealed: SealedSecret): Promise<string> {
    const row = await this.db
      .selectFrom('sealing_keys')
      .select('wrapped_key')
      .where('data_key_id', '=', sealed.dataKeyId)
      .executeTakeFirst();
    if (!row) throw new SecretShreddedError(sealed.dataKeyId);
    const wrapped = Buffer.from(row.wrapped_key as string, 'base64');
    const dataKey = decrypt(
      this.platformKey,
      { iv: wrapped.subarray(0, IV_BYTES), authTag: wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES), ciphertext: wrapped.subarray(IV_BYTES + TAG_BYTES) },
      sealed.dataKeyId,
    );
    try {
      const plaintext = decrypt(
        dataKey,
        { iv: Buffer.from(sealed.iv, 'base64'), authTag: Buffer.from(sealed.authTag, 'base64'), ciphertext: Buffer.from(sealed.ciphertext, 'base64') },
        sealed.dataKeyId,
      );
      return plaintext.toString('utf8');
    } finally {
      dataKey.fill(0);
    }
  }

  async shred(dataKeyId: string): Promise<void> {
    // Deleting what is already gone is fine: shredding after a crash simply runs again.
    await this.db.deleteFrom('sealing_keys').where('data_key_id', '=', dataKeyId).execute();
  }
}

interface Encrypted {
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): Encrypted {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, authTag: cipher.getAuthTag(), ciphertext };
}

/** Throws when the key is wrong or anything was tampered with (GCM authenticates all of it). */
function decrypt(key: Buffer, { iv, authTag, ciphertext }: Encrypted, aad: string): Buffer {
  if (iv.length !== IV_BYTES || authTag.length !== TAG_BYTES) throw new Error('sealed secret is malformed');
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(authTag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
