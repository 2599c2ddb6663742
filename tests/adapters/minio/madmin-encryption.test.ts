import { describe, expect, it } from 'vitest';
import { encryptData, MADMIN_PBKDF2_AES_GCM, sioSeal } from '../../../src/adapters/minio/madmin-encryption.ts';
import { decryptData, sioOpen } from './support/madmin-decryption.ts';

/**
 * Published vectors of secure-io/sio-go (test_vectors.json), the stream madmin-go's EncryptData
 * writes. They use AES-128-GCM and tiny buffer sizes, which is what makes them useful: with a
 * 16- or 17-byte buffer even short plaintexts span several fragments, so fragment numbering,
 * the final-fragment flag and the stream tag are all exercised. madmin uses AES-256-GCM and
 * 16 KiB fragments; the construction is the same.
 */
const SIO_GO_VECTORS = [
  { bufSize: 16, key: '00000000000000000000000000000000', nonce: '0000000000000000', ad: '', plaintext: '', ciphertext: 'e0247a864e783cecb1f7996c13cd3f64' },
  { bufSize: 16, key: '10000000000000000000000000000000', nonce: '1000000000000000', ad: '00', plaintext: '00', ciphertext: '61ed193d12a2adf6f1c41f31de4ead6c5c' },
  {
    bufSize: 16,
    key: '00000000000000000000000000000001',
    nonce: '2000000000000000',
    ad: '1000000000000000',
    plaintext: '00000000000000000000000000000000',
    ciphertext: '8501dcfa461a0860ef9933655b1e59a9e7db1ed363b6ff80f219ca986dca9ce2',
  },
  {
    bufSize: 16,
    key: '10000000000000000000000000000000',
    nonce: '0000000000000002',
    ad: '',
    plaintext: '0000000000000000000000000000000000',
    ciphertext: '691deb7b9ccbee91f48d12c7ad5fe3cd4e1e5e7d394f06b91228ec9a5dd2456ac7de9502a0b4010fb1ee1db94e940458fb',
  },
  {
    bufSize: 16,
    key: '20000000000000000000000000000000',
    nonce: '2000000000000000',
    ad: '00',
    plaintext: '0000000000000000000000000000000000000000000000000000000000000000',
    ciphertext:
      'f58d8fef7ac7782a4361a79c07f5e6c4672d8a45e6cb9ef67cb7177897358deb8d338d313d44f78e0b68a3723d7ca0fe5f62aa8af0a72e508f5d5f8491ecedb2',
  },
  {
    bufSize: 17,
    key: '31dd758d120fd5d30063921a21f723be',
    nonce: 'd3794fe387018e32',
    ad: '1d838b6e861ea7576de110e08818de82a27337a99db7b95aa95c3347971ad4cfa0ef0960d6645f5a64f88c7d',
    plaintext: 'd0ae0d85e93ed6be853ded2031643116a03215b4fda224d2986d7233039aa47e91b686f4',
    ciphertext:
      'a6fe911b94e0b25a25bf6da71f28ad6a6b6920be01589e9194226f77c164606545d5cbdb76c99415b468c54517f5a8bc8dc8ac13b1b4285fe36f37f7884d5e4bfb32ecef56b4026bf02bfb1d4fce222e01ef9db9',
  },
];

const hex = (s: string) => Buffer.from(s, 'hex');

describe('sio-go stream (the cipher under madmin EncryptData)', () => {
  it.each(SIO_GO_VECTORS)('seals $plaintext.length/2 bytes with a $bufSize-byte buffer exactly as the published vector', (v) => {
    const params = { algorithm: 'aes-128-gcm' as const, key: hex(v.key), nonce: hex(v.nonce), associatedData: hex(v.ad), bufSize: v.bufSize };
    expect(sioSeal(params, hex(v.plaintext)).toString('hex')).toBe(v.ciphertext);
    expect(sioOpen(params, hex(v.ciphertext)).toString('hex')).toBe(v.plaintext);
  });

  it('fragments by the buffer size: 33 bytes in 16-byte fragments are 3 fragments, the last holding 1 byte', () => {
    const params = { algorithm: 'aes-256-gcm' as const, key: Buffer.alloc(32, 7), nonce: Buffer.alloc(8, 1), bufSize: 16 };
    // 16 + 16 + 1 plaintext bytes, each fragment followed by its 16-byte tag
    expect(sioSeal(params, Buffer.alloc(33, 9))).toHaveLength(16 + 16 + 16 + 16 + 1 + 16);
    // on a boundary the last fragment is full: 32 bytes are 2 fragments, not 3
    expect(sioSeal(params, Buffer.alloc(32, 9))).toHaveLength(2 * (16 + 16));
  });
});

describe('madmin EncryptData, PBKDF2 + AES-256-GCM', () => {
  const salt = Buffer.alloc(32, 0xab);
  const nonce = Buffer.from('0102030405060708', 'hex');
  const password = 'minio-admin-secret';

  it('lays out salt, algorithm id 0x02 and nonce before the stream', () => {
    const body = encryptData(password, Buffer.from('{"secretKey":"s","status":"enabled"}'), { salt, nonce });
    expect(body.subarray(0, 32)).toEqual(salt);
    expect(body[32]).toBe(MADMIN_PBKDF2_AES_GCM);
    expect(body.subarray(33, 41)).toEqual(nonce);
    // 36 bytes of JSON in one fragment: 41 header bytes + 36 + 16-byte tag
    expect(body).toHaveLength(41 + 36 + 16);
  });

  it.each([0, 1, 16 * 1024, 16 * 1024 + 1, 40_000])('round-trips %i bytes through the independent decryptor', (size) => {
    const plaintext = Buffer.alloc(size);
    for (let i = 0; i < size; i++) plaintext[i] = (i * 31) & 0xff;
    const body = encryptData(password, plaintext);
    const fragments = Math.max(1, Math.ceil(size / (16 * 1024)));
    expect(body).toHaveLength(41 + size + 16 * fragments);
    expect(decryptData(password, body)).toEqual(plaintext);
  });

  it('draws a fresh salt and nonce each time', () => {
    const a = encryptData(password, Buffer.from('same'));
    const b = encryptData(password, Buffer.from('same'));
    expect(a.subarray(0, 41).equals(b.subarray(0, 41))).toBe(false);
  });

  it('does not open with another password, nor after a byte is changed', () => {
    const body = encryptData(password, Buffer.alloc(20_000, 1));
    expect(() => decryptData('another-secret', body)).toThrow(/not authentic/);
    const tampered = Buffer.from(body);
    tampered[41 + 100] = tampered[41 + 100]! ^ 1;
    expect(() => decryptData(password, tampered)).toThrow(/not authentic/);
    // dropping the final fragment must not pass for a shorter message
    expect(() => decryptData(password, body.subarray(0, 41 + 16 * 1024 + 16))).toThrow(/not authentic/);
  });
});
