/**
 * A secret as events carry it: encrypted under a data key that lives outside the event log
 * (the sealing itself: src/ports/secret-sealer.ts). The domain only
 * passes it along; it never opens one.
 */
export interface SealedSecret {
  dataKeyId: string;
  /** base64 */
  ciphertext: string;
  /** base64 */
  iv: string;
  /** base64 */
  authTag: string;
}
