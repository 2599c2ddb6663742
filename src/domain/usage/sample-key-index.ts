/**
 * Where a stream recorded each of its sample keys, in a few bytes a key: a 32-bit hash of
 * the key → the revision of the event that recorded it. The keys themselves are not kept
 * (the keys of 2.88 M samples with their digests took about 460 MB of heap; this takes
 * about 35 MB). A hit is therefore only a *maybe*: whoever decides reads the events at the
 * revisions returned and compares their keys, so a hash shared by two keys costs one read,
 * never a wrong answer. A miss is exact: a key the stream holds is always found.
 *
 * Open addressing with linear probing over two typed arrays, kept at most three quarters full.
 * A miss (the common case, a new key) then probes about eight slots on average just before the
 * arrays grow, against two and a half at half full; but half full made the arrays twice as large
 * (the ledgers took 64 MB at 2.88 M keys, an eighth of the ingesting service's RSS).
 */
export class SampleKeyIndex {
  private hashes: Int32Array;
  /** revision + 1; 0 marks an empty slot */
  private revisions: Uint32Array;
  private count = 0;

  constructor(capacity = 8) {
    const slots = 2 ** Math.max(3, Math.ceil(Math.log2((capacity * 4) / 3)));
    this.hashes = new Int32Array(slots);
    this.revisions = new Uint32Array(slots);
  }

  /** keys recorded */
  get size(): number {
    return this.count;
  }

  add(hash: number, revision: number): void {
    if (!Number.isInteger(revision) || revision < 0 || revision >= 0xffff_ffff) throw new RangeError(`revision out of the index's range: ${revision}`);
    if ((this.count + 1) * 4 > this.hashes.length * 3) this.grow();
    this.place(hash | 0, revision + 1);
    this.count++;
  }

  /** Every revision recorded under this hash: the key may be at one of them, or at none. */
  revisionsOf(hash: number): number[] {
    const h = hash | 0;
    const mask = this.hashes.length - 1;
    const found: number[] = [];
    for (let slot = h & mask; this.revisions[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.hashes[slot] === h) found.push(this.revisions[slot]! - 1);
    }
    return found;
  }

  private place(hash: number, storedRevision: number): void {
    const mask = this.hashes.length - 1;
    let slot = hash & mask;
    while (this.revisions[slot] !== 0) slot = (slot + 1) & mask;
    this.hashes[slot] = hash;
    this.revisions[slot] = storedRevision;
  }

  private grow(): void {
    const { hashes, revisions } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.revisions = new Uint32Array(hashes.length * 2);
    for (let slot = 0; slot < hashes.length; slot++) if (revisions[slot] !== 0) this.place(hashes[slot]!, revisions[slot]!);
  }
}

/** FNV-1a over the key's UTF-16 code units: cheap, and spread well enough for the index. */
export function sampleKeyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
