/**
 * Envelope encryption for secrets the platform must hand over once (an access key's
 * secret to MinIO, an SFTP password to SFTPGo) but must never keep readable.
 *
 * Each secret is encrypted with its own random data key; the data key is stored outside
 * the event log, wrapped with the platform key from config. Events carry only the sealed
 * form. Once the secret has been handed over, `shred` destroys the data key, and from then
 * on neither the event log nor a backup of it can reveal the secret (crypto-shredding).
 */
import type { SealedSecret } from '../domain/shared/sealed-secret.ts';

export type { SealedSecret };

export interface SecretSealer {
  seal(plaintext: string): Promise<SealedSecret>;
  /** throws SecretShreddedError once the data key is gone */
  open(sealed: SealedSecret): Promise<string>;
  shred(dataKeyId: string): Promise<void>;
}

export class SecretShreddedError extends Error {
  override readonly name = 'SecretShreddedError';
  constructor(readonly dataKeyId: string) {
    super(`data key ${dataKeyId} has been destroyed; the secret it sealed can no longer be opened`);
  }
}
