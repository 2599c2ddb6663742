/** Secrets the platform shows once (access key secrets, SFTP passwords): how they are drawn, and sealed. */
import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import type { SealedSecret, SecretSealer } from '../ports/secret-sealer.ts';

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `length` characters drawn uniformly from `alphabet` with the CSPRNG. A byte is used only
 * when it falls below the largest multiple of the alphabet's size (rejection sampling);
 * `byte % size` on every byte would favour the first characters.
 */
export function randomString(alphabet: string, length: number): string {
  const size = alphabet.length;
  if (size < 2 || size > 256) throw new RangeError('the alphabet needs 2 to 256 characters');
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length - out.length + 16)) {
      if (byte >= limit) continue;
      out += alphabet[byte % size];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * Seal `secret`, run `record` with the sealed form, and destroy the fresh data key again if
 * the command was refused. Any other failure may come after the append landed (the answer
 * was lost): the key is kept then, or the recorded secret could never be opened (by the
 * reactor, or by the retry that finds it); unused, it unlocks nothing stored anywhere.
 */
export async function withSealedSecret<T>(secrets: SecretSealer, secret: string, record: (sealed: SealedSecret) => Promise<T>): Promise<T> {
  const sealed = await secrets.seal(secret);
  try {
    return await record(sealed);
  } catch (error) {
    if (error instanceof DomainError) await secrets.shred(sealed.dataKeyId).catch(() => undefined);
    throw error;
  }
}
