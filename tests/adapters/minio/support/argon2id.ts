import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';

/**
 * Argon2id (RFC 9106) for the tests' madmin decryption, which opens madmin-go's default
 * Argon2id + AES-GCM form. Node 20 has no Argon2, so the tests use @noble/hashes; the adapter
 * itself only writes the PBKDF2 form. The parameters carry RFC 9106's names.
 */
export function argon2id(params: {
  password: Uint8Array;
  salt: Uint8Array;
  secret?: Uint8Array;
  associatedData?: Uint8Array;
  memoryKiB: number;
  passes: number;
  lanes: number;
  tagLength: number;
}): Buffer {
  const tag = nobleArgon2id(params.password, params.salt, {
    t: params.passes,
    m: params.memoryKiB,
    p: params.lanes,
    dkLen: params.tagLength,
    ...(params.secret ? { key: params.secret } : {}),
    ...(params.associatedData ? { personalization: params.associatedData } : {}),
  });
  return Buffer.from(tag);
}
