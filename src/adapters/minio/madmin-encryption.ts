import { createCipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * The encrypted request bodies of MinIO's admin API (add-user, attach/detach policy,
 * service accounts), byte for byte as madmin-go's EncryptData lays them out:
 *
 *     salt (32) | algorithm id (1) | nonce (8) | sio-go stream
 *
 * madmin derives the 32-byte key from the admin secret key with Argon2id (id 0x00 AES-GCM,
 * 0x01 ChaCha20-Poly1305) or, in FIPS mode, PBKDF2-SHA256 with 8192 iterations (id 0x02,
 * AES-256-GCM). MinIO's server decrypts all three whatever its own mode, so we send 0x02:
 * Node 20 has no Argon2.
 *
 * The stream is secure-io/sio-go's, not DARE: the plaintext is cut into 16 KiB fragments, each
 * sealed on its own with nonce = stream nonce (8) | little-endian fragment number (4), counted
 * from 1. Every fragment carries as associated data one flag byte (0x80 on the last fragment,
 * 0x00 before) followed by the tag of sealing nothing under fragment number 0, which binds the
 * stream to its (here empty) associated data. The last fragment holds 1 to 16 KiB, or nothing
 * for an empty plaintext, and is there even then.
 */

export const MADMIN_PBKDF2_AES_GCM = 0x02;
export const MADMIN_PBKDF2_ITERATIONS = 8192;
export const SIO_BUF_SIZE = 16 * 1024;
const SALT_BYTES = 32;
const STREAM_NONCE_BYTES = 8;
const TAG_BYTES = 16;

export type SioAlgorithm = 'aes-128-gcm' | 'aes-256-gcm';

export interface SioStreamParams {
  algorithm: SioAlgorithm;
  key: Uint8Array;
  /** 8 bytes, unique per key */
  nonce: Uint8Array;
  associatedData?: Uint8Array;
  bufSize?: number;
}

/** sio-go's EncryptWriter, whole plaintext at once */
export function sioSeal(params: SioStreamParams, plaintext: Uint8Array): Buffer {
  const bufSize = params.bufSize ?? SIO_BUF_SIZE;
  if (params.nonce.length !== STREAM_NONCE_BYTES) throw new RangeError(`sio: the nonce must be ${STREAM_NONCE_BYTES} bytes`);
  if (!Number.isInteger(bufSize) || bufSize < 1) throw new RangeError('sio: bufSize must be a positive integer');

  const initTag = seal(params, 0, Buffer.alloc(0), params.associatedData ?? Buffer.alloc(0));
  const parts: Buffer[] = [];
  let fragment = 1;
  let offset = 0;
  // the writer keeps a full buffer back until it knows more follows, so a plaintext that ends on
  // a fragment boundary ends with a full final fragment
  while (plaintext.length - offset > bufSize) {
    parts.push(seal(params, fragment++, plaintext.subarray(offset, offset + bufSize), Buffer.concat([Buffer.from([0x00]), initTag])));
    offset += bufSize;
  }
  parts.push(seal(params, fragment, plaintext.subarray(offset), Buffer.concat([Buffer.from([0x80]), initTag])));
  return Buffer.concat(parts);
}

/** madmin-go's EncryptData in its PBKDF2 + AES-256-GCM form */
export function encryptData(password: string, plaintext: Uint8Array, fixed?: { salt: Uint8Array; nonce: Uint8Array }): Buffer {
  const salt = fixed?.salt ?? randomBytes(SALT_BYTES);
  const nonce = fixed?.nonce ?? randomBytes(STREAM_NONCE_BYTES);
  if (salt.length !== SALT_BYTES) throw new RangeError(`madmin: the salt must be ${SALT_BYTES} bytes`);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, MADMIN_PBKDF2_ITERATIONS, 32, 'sha256');
  const stream = sioSeal({ algorithm: 'aes-256-gcm', key, nonce }, plaintext);
  return Buffer.concat([salt, Buffer.from([MADMIN_PBKDF2_AES_GCM]), nonce, stream]);
}

function seal(params: SioStreamParams, fragment: number, plaintext: Uint8Array, associatedData: Uint8Array): Buffer {
  if (fragment > 0xffff_fffe) throw new RangeError('sio: data limit exceeded');
  const iv = Buffer.alloc(STREAM_NONCE_BYTES + 4);
  Buffer.from(params.nonce).copy(iv, 0);
  iv.writeUInt32LE(fragment, STREAM_NONCE_BYTES);
  const cipher = createCipheriv(params.algorithm, params.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}
