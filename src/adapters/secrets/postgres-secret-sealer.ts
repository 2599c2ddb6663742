import type { Kysely } from 'kysely';
import type { SealedSecret, SecretSealer } from '../../ports/secret-sealer.ts';

/** Placeholder until the sealing-keys table lands (issue 3, in progress). */
export class PostgresSecretSealer implements SecretSealer {
  constructor(
    private readonly db: Kysely<any>,
    private readonly platformKey: Buffer,
  ) {}
  seal(_plaintext: string): Promise<SealedSecret> {
    throw new Error('not yet implemented');
  }
  open(_sealed: SealedSecret): Promise<string> {
    throw new Error('not yet implemented');
  }
  shred(_dataKeyId: string): Promise<void> {
    throw new Error('not yet implemented');
  }
}
