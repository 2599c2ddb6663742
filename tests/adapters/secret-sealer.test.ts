import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { up as createSealingKeys } from '../../src/adapters/postgres/migrations/0008-sealing-keys.ts';
import { PostgresSecretSealer } from '../../src/adapters/secrets/postgres-secret-sealer.ts';
import { SecretShreddedError, type SealedSecret } from '../../src/ports/secret-sealer.ts';
import { createTestDatabase } from '../support/database.ts';

let db: Kysely<any>;
let sealer: PostgresSecretSealer;
const platformKey = randomBytes(32);

beforeAll(async () => {
  db = createKysely(createPool(await createTestDatabase('sealer'), 4));
  // Only this module's table: the sealer must not depend on any read model.
  await createSealingKeys(db);
  sealer = new PostgresSecretSealer(db, platformKey);
});
afterAll(async () => {
  await db.destroy();
});

/** Flips one bit of a base64 field. */
const flip = (base64: string, index = 0) => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index]! ^= 0x01;
  return bytes.toString('base64');
};

describe('PostgresSecretSealer', () => {
  it('opens what it sealed, and the sealed form does not contain the plaintext', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const sealed = await sealer.seal(secret);
    expect(sealed.dataKeyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.authTag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain(secret);
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('utf8')).not.toContain(secret);
    expect(await sealer.open(sealed)).toBe(secret);
    // The stored row holds only the wrapped data key.
    const rows = await db.selectFrom('sealing_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('draws a different data key and IV for every seal, even of the same plaintext', async () => {
    const a = await sealer.seal('same secret');
    const b = await sealer.seal('same secret');
    expect(a.dataKeyId).not.toBe(b.dataKeyId);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    const wrapped = await db.selectFrom('sealing_keys').select('wrapped_key').where('data_key_id', 'in', [a.dataKeyId, b.dataKeyId]).execute();
    expect(new Set(wrapped.map((r) => r.wrapped_key)).size).toBe(2);
  });

  it('refuses a tampered ciphertext, IV or tag, and a secret moved to another data key', async () => {
    const sealed = await sealer.seal('do not touch');
    const other = await sealer.seal('another secret');
    const tampered: SealedSecret[] = [
      { ...sealed, ciphertext: flip(sealed.ciphertext) },
      { ...sealed, iv: flip(sealed.iv) },
      { ...sealed, authTag: flip(sealed.authTag) },
      { ...sealed, dataKeyId: other.dataKeyId },
    ];
    for (const bad of tampered) await expect(sealer.open(bad)).rejects.toThrow();
    expect(await sealer.open(sealed)).toBe('do not touch');
  });

  it('cannot open with another platform key', async () => {
    const sealed = await sealer.seal('platform bound');
    const impostor = new PostgresSecretSealer(db, randomBytes(32));
    await expect(impostor.open(sealed)).rejects.toThrow();
    await expect(impostor.open(sealed)).rejects.not.toBeInstanceOf(SecretShreddedError);
  });

  it('refuses a platform key of the wrong length', () => {
    expect(() => new PostgresSecretSealer(db, randomBytes(16))).toThrow(RangeError);
  });

  it('after shred, open throws SecretShreddedError; shredding again is harmless', async () => {
    const sealed = await sealer.seal('ephemeral');
    const kept = await sealer.seal('kept');
    await sealer.shred(sealed.dataKeyId);
    await expect(sealer.open(sealed)).rejects.toBeInstanceOf(SecretShreddedError);
    await expect(sealer.shred(sealed.dataKeyId)).resolves.toBeUndefined();
    // Only that data key went.
    expect(await sealer.open(kept)).toBe('kept');
    const row = await db.selectFrom('sealing_keys').select('data_key_id').where('data_key_id', '=', sealed.dataKeyId).executeTakeFirst();
    expect(row).toBeUndefined();
  });
});
