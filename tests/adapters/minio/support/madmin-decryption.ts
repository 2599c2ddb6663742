import { createCipheriv, createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { argon2id } from './argon2id.ts';

/**
 * The receiving side of madmin's encrypted bodies, written from madmin-go's DecryptData and
 * sio-go's DecReader, for tests only: it plays the MinIO server. It reads the stream the way
 * sio-go does (a fragment is final when fewer than a full fragment plus one byte remain), so it
 * does not share the encryptor's fragmenting code. Besides the PBKDF2 form (id 0x02) it opens
 * madmin's default Argon2id + AES-GCM form (id 0x00), through the test-only Argon2id, so that
 * madmin-go's published ciphertexts can be checked.
 */

const TAG = 16;

export function sioOpen(
  params: { algorithm: 'aes-128-gcm' | 'aes-256-gcm'; key: Uint8Array; nonce: Uint8Array; associatedData?: Uint8Array; bufSize?: number },
  ciphertext: Uint8Array,
): Buffer {
  const bufSize = params.bufSize ?? 16 * 1024;
  const fragmentLength = bufSize + TAG;
  const iv = (n: number) => {
    const b = Buffer.alloc(12);
    Buffer.from(params.nonce).copy(b);
    b.writeUInt32LE(n, 8);
    return b;
  };
  // the per-stream tag: sealing nothing under fragment number 0
  const c = createCipheriv(params.algorithm, params.key, iv(0));
  c.setAAD(params.associatedData ?? Buffer.alloc(0));
  c.final();
  const initTag = c.getAuthTag();

  const out: Buffer[] = [];
  let offset = 0;
  let n = 1;
  for (;;) {
    const remaining = ciphertext.length - offset;
    const final = remaining < fragmentLength + 1;
    const length = final ? remaining : fragmentLength;
    if (length < TAG) throw new Error('sio: data is not authentic');
    const fragment = ciphertext.subarray(offset, offset + length);
    const d = createDecipheriv(params.algorithm, params.key, iv(n));
    d.setAAD(Buffer.concat([Buffer.from([final ? 0x80 : 0x00]), initTag]));
    d.setAuthTag(fragment.subarray(length - TAG));
    try {
      out.push(Buffer.concat([d.update(fragment.subarray(0, length - TAG)), d.final()]));
    } catch {
      throw new Error('sio: data is not authentic');
    }
    offset += length;
    n += 1;
    if (final) return Buffer.concat(out);
  }
}

export function decryptData(password: string, data: Uint8Array): Buffer {
  if (data.length < 41) throw new Error('madmin: unexpected header');
  const salt = data.subarray(0, 32);
  const id = data[32];
  const nonce = data.subarray(33, 41);
  let key: Buffer;
  if (id === 0x02) key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 8192, 32, 'sha256');
  else if (id === 0x00) key = argon2id({ password: Buffer.from(password, 'utf8'), salt, passes: 1, memoryKiB: 64 * 1024, lanes: 4, tagLength: 32 });
  else throw new Error(`madmin: algorithm id ${id} is not supported here`);
  return sioOpen({ algorithm: 'aes-256-gcm', key, nonce }, data.subarray(41));
}
