/**
 * Argon2id (RFC 9106, version 0x13), for tests only: Node 20 has no Argon2, and the published
 * madmin-go ciphertexts are keyed with it. Written from the RFC's description; checked in the
 * tests against the RFC's own test vector before it is trusted with madmin's. Slow but plain:
 * 64-bit words are kept as pairs of 32-bit halves in a Uint32Array.
 */
import { createHash } from 'node:crypto';

const MASK64 = (1n << 64n) - 1n;
const IV = [
  0x6a09e667f3bcc908n,
  0xbb67ae8584caa73bn,
  0x3c6ef372fe94f82bn,
  0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n,
  0x9b05688c2b3e6c1fn,
  0x1f83d9abfb41bd6bn,
  0x5be0cd19137e2179n,
];
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & MASK64;

/** BLAKE2b with any output length from 1 to 64 bytes (Node's blake2b512 only gives 64) */
export function blake2b(data: Uint8Array, outLength: number): Buffer {
  const h = IV.slice();
  h[0] = h[0]! ^ (0x01010000n | BigInt(outLength));
  const blocks = Math.max(1, Math.ceil(data.length / 128));
  for (let b = 0; b < blocks; b++) {
    const block = Buffer.alloc(128);
    Buffer.from(data.subarray(b * 128, b * 128 + 128)).copy(block);
    const m = Array.from({ length: 16 }, (_, i) => block.readBigUInt64LE(i * 8));
    const last = b === blocks - 1;
    const t = BigInt(last ? data.length : (b + 1) * 128);
    const v = [...h, ...IV];
    v[12] = v[12]! ^ (t & MASK64);
    v[13] = v[13]! ^ (t >> 64n);
    if (last) v[14] = v[14]! ^ MASK64;
    const g = (a: number, bb: number, c: number, d: number, x: bigint, y: bigint) => {
      v[a] = (v[a]! + v[bb]! + x) & MASK64;
      v[d] = rotr(v[d]! ^ v[a]!, 32n);
      v[c] = (v[c]! + v[d]!) & MASK64;
      v[bb] = rotr(v[bb]! ^ v[c]!, 24n);
      v[a] = (v[a]! + v[bb]! + y) & MASK64;
      v[d] = rotr(v[d]! ^ v[a]!, 16n);
      v[c] = (v[c]! + v[d]!) & MASK64;
      v[bb] = rotr(v[bb]! ^ v[c]!, 63n);
    };
    for (let r = 0; r < 12; r++) {
      const s = SIGMA[r % 10]!;
      g(0, 4, 8, 12, m[s[0]!]!, m[s[1]!]!);
      g(1, 5, 9, 13, m[s[2]!]!, m[s[3]!]!);
      g(2, 6, 10, 14, m[s[4]!]!, m[s[5]!]!);
      g(3, 7, 11, 15, m[s[6]!]!, m[s[7]!]!);
      g(0, 5, 10, 15, m[s[8]!]!, m[s[9]!]!);
      g(1, 6, 11, 12, m[s[10]!]!, m[s[11]!]!);
      g(2, 7, 8, 13, m[s[12]!]!, m[s[13]!]!);
      g(3, 4, 9, 14, m[s[14]!]!, m[s[15]!]!);
    }
    for (let i = 0; i < 8; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 8]!;
  }
  const out = Buffer.alloc(64);
  h.forEach((w, i) => out.writeBigUInt64LE(w, i * 8));
  return out.subarray(0, outLength);
}

const le32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** H' of the RFC: a hash of any length built from 64-byte BLAKE2b outputs */
function hPrime(input: Uint8Array, length: number): Buffer {
  const x = Buffer.concat([le32(length), input]);
  if (length <= 64) return blake2b(x, length);
  const r = Math.ceil(length / 32) - 2;
  const parts: Buffer[] = [];
  let v = createHash('blake2b512').update(x).digest();
  parts.push(v.subarray(0, 32));
  for (let i = 1; i < r; i++) {
    v = createHash('blake2b512').update(v).digest();
    parts.push(v.subarray(0, 32));
  }
  parts.push(blake2b(v, length - 32 * r));
  return Buffer.concat(parts);
}

// one 1024-byte block = 128 words of 64 bits = 256 uint32 (low half first)
const WORDS = 256;

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
  const { password, salt, memoryKiB, passes, lanes, tagLength } = params;
  const secret = params.secret ?? new Uint8Array(0);
  const ad = params.associatedData ?? new Uint8Array(0);
  const type = 2; // Argon2id
  const h0 = createHash('blake2b512')
    .update(
      Buffer.concat([
        le32(lanes),
        le32(tagLength),
        le32(memoryKiB),
        le32(passes),
        le32(0x13),
        le32(type),
        le32(password.length),
        password,
        le32(salt.length),
        salt,
        le32(secret.length),
        secret,
        le32(ad.length),
        ad,
      ]),
    )
    .digest();

  const blocks = 4 * lanes * Math.floor(memoryKiB / (4 * lanes));
  const laneLength = blocks / lanes;
  const segmentLength = laneLength / 4;
  const memory = new Uint32Array(blocks * WORDS);
  const at = (lane: number, column: number) => (lane * laneLength + column) * WORDS;

  for (let lane = 0; lane < lanes; lane++) {
    for (const column of [0, 1]) {
      const block = hPrime(Buffer.concat([h0, le32(column), le32(lane)]), 1024);
      for (let w = 0; w < WORDS; w++) memory[at(lane, column) + w] = block.readUInt32LE(4 * w);
    }
  }

  const zero = new Uint32Array(WORDS);
  const input = new Uint32Array(WORDS);
  const address = new Uint32Array(WORDS);
  const scratch = new Uint32Array(WORDS);

  for (let pass = 0; pass < passes; pass++) {
    for (let slice = 0; slice < 4; slice++) {
      for (let lane = 0; lane < lanes; lane++) {
        const independent = pass === 0 && slice < 2;
        if (independent) {
          input.fill(0);
          input[0] = pass;
          input[2] = lane;
          input[4] = slice;
          input[6] = blocks;
          input[8] = passes;
          input[10] = type;
        }
        const nextAddresses = () => {
          input[12] = (input[12]! + 1) >>> 0;
          fillBlock(zero, 0, input, 0, address, 0, false, scratch);
          fillBlock(zero, 0, address, 0, address, 0, false, scratch);
        };
        let start = 0;
        if (pass === 0 && slice === 0) {
          start = 2;
          if (independent) nextAddresses();
        }
        for (let index = start; index < segmentLength; index++) {
          const column = slice * segmentLength + index;
          const prev = at(lane, column === 0 ? laneLength - 1 : column - 1);
          let j1: number;
          let j2: number;
          if (independent) {
            if (index % 128 === 0) nextAddresses();
            j1 = address[(index % 128) * 2]!;
            j2 = address[(index % 128) * 2 + 1]!;
          } else {
            j1 = memory[prev]!;
            j2 = memory[prev + 1]!;
          }
          const refLane = pass === 0 && slice === 0 ? lane : j2 % lanes;
          const sameLane = refLane === lane;
          let area: number;
          if (pass === 0) {
            if (slice === 0) area = index - 1;
            else area = sameLane ? slice * segmentLength + index - 1 : slice * segmentLength + (index === 0 ? -1 : 0);
          } else {
            area = sameLane ? laneLength - segmentLength + index - 1 : laneLength - segmentLength + (index === 0 ? -1 : 0);
          }
          const x = (BigInt(j1) * BigInt(j1)) >> 32n;
          const relative = area - 1 - Number((BigInt(area) * x) >> 32n);
          const startPosition = pass === 0 || slice === 3 ? 0 : (slice + 1) * segmentLength;
          const refColumn = (startPosition + relative) % laneLength;
          fillBlock(memory, prev, memory, at(refLane, refColumn), memory, at(lane, column), pass > 0, scratch);
        }
      }
    }
  }

  const final = new Uint32Array(WORDS);
  for (let lane = 0; lane < lanes; lane++) {
    const last = at(lane, laneLength - 1);
    for (let w = 0; w < WORDS; w++) final[w] = final[w]! ^ memory[last + w]!;
  }
  const bytes = Buffer.alloc(1024);
  for (let w = 0; w < WORDS; w++) bytes.writeUInt32LE(final[w]!, 4 * w);
  return hPrime(bytes, tagLength);
}

const TMP = new Uint32Array(WORDS);

/** next = G(prev, ref) (xor'ed into next's old value after the first pass) */
function fillBlock(
  pm: Uint32Array,
  p: number,
  rm: Uint32Array,
  r: number,
  nm: Uint32Array,
  n: number,
  withXor: boolean,
  R: Uint32Array,
): void {
  const T = TMP;
  for (let w = 0; w < WORDS; w++) {
    R[w] = rm[r + w]! ^ pm[p + w]!;
    T[w] = withXor ? R[w]! ^ nm[n + w]! : R[w]!;
  }
  for (const group of ROUND_GROUPS) round(R, group);
  for (let w = 0; w < WORDS; w++) nm[n + w] = T[w]! ^ R[w]!;
}

// the 16 groups of 16 words the permutation works on: the 8 rows, then the 8 columns
const ROUND_GROUPS: number[][] = [
  ...Array.from({ length: 8 }, (_, i) => Array.from({ length: 16 }, (_, k) => 16 * i + k)),
  ...Array.from({ length: 8 }, (_, i) => Array.from({ length: 16 }, (_, k) => 2 * i + 16 * (k >> 1) + (k & 1))),
];

// word indexes (0..127) of 64-bit words; each lives at [2i] (low) and [2i+1] (high)
function round(v: Uint32Array, i: number[]): void {
  gb(v, i[0]!, i[4]!, i[8]!, i[12]!);
  gb(v, i[1]!, i[5]!, i[9]!, i[13]!);
  gb(v, i[2]!, i[6]!, i[10]!, i[14]!);
  gb(v, i[3]!, i[7]!, i[11]!, i[15]!);
  gb(v, i[0]!, i[5]!, i[10]!, i[15]!);
  gb(v, i[1]!, i[6]!, i[11]!, i[12]!);
  gb(v, i[2]!, i[7]!, i[8]!, i[13]!);
  gb(v, i[3]!, i[4]!, i[9]!, i[14]!);
}

function gb(v: Uint32Array, a: number, b: number, c: number, d: number): void {
  blamka(v, a, b);
  xorRotr(v, d, a, 32);
  blamka(v, c, d);
  xorRotr(v, b, c, 24);
  blamka(v, a, b);
  xorRotr(v, d, a, 16);
  blamka(v, c, d);
  xorRotr(v, b, c, 63);
}

/** v[x] = v[x] + v[y] + 2 * lo32(v[x]) * lo32(v[y]), mod 2^64 */
function blamka(v: Uint32Array, x: number, y: number): void {
  const xl = v[2 * x]!;
  const xh = v[2 * x + 1]!;
  const yl = v[2 * y]!;
  const yh = v[2 * y + 1]!;
  // 32×32 → 64-bit product from 16-bit pieces, every partial exact in a double
  const a0 = xl & 0xffff;
  const a1 = xl >>> 16;
  const b0 = yl & 0xffff;
  const b1 = yl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid % 65536) * 65536;
  let pl = low % 4294967296;
  let ph = a1 * b1 + Math.floor(mid / 65536) + Math.floor(low / 4294967296);
  // times two
  ph = ((ph * 2) % 4294967296) + Math.floor(pl / 2147483648);
  pl = (pl * 2) % 4294967296;
  // + x + y
  let sl = pl + xl + yl;
  const carry = Math.floor(sl / 4294967296);
  sl %= 4294967296;
  const sh = (ph + xh + yh + carry) % 4294967296;
  v[2 * x] = sl;
  v[2 * x + 1] = sh;
}

/** v[d] = rotr64(v[d] ^ v[a], n) */
function xorRotr(v: Uint32Array, d: number, a: number, n: number): void {
  const l = (v[2 * d]! ^ v[2 * a]!) >>> 0;
  const h = (v[2 * d + 1]! ^ v[2 * a + 1]!) >>> 0;
  if (n === 32) {
    v[2 * d] = h;
    v[2 * d + 1] = l;
  } else if (n < 32) {
    v[2 * d] = ((l >>> n) | (h << (32 - n))) >>> 0;
    v[2 * d + 1] = ((h >>> n) | (l << (32 - n))) >>> 0;
  } else {
    const m = n - 32;
    v[2 * d] = ((h >>> m) | (l << (32 - m))) >>> 0;
    v[2 * d + 1] = ((l >>> m) | (h << (32 - m))) >>> 0;
  }
}
