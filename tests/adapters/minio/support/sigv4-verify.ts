import { createHash, createHmac } from 'node:crypto';
import type { ReceivedRequest } from './http-stand-in.ts';

/**
 * The server side of SigV4, as MinIO checks a request: rebuilt from what actually arrived (the
 * raw path and query, the received headers named in SignedHeaders, the body), written apart
 * from the adapter's signer so that a shared mistake cannot pass unnoticed.
 */
export function verifySigV4(
  request: ReceivedRequest,
  credentials: { accessKey: string; secretKey: string; region: string },
): { ok: true } | { ok: false; code: string; reason: string } {
  const auth = request.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, code: 'AuthorizationHeaderMalformed', reason: `unreadable Authorization header: ${auth}` };
  const [, accessKey, day, region, service, signedHeaders, signature] = m as unknown as string[];
  if (accessKey !== credentials.accessKey) return { ok: false, code: 'InvalidAccessKeyId', reason: `unknown access key ${accessKey}` };
  if (region !== credentials.region) return { ok: false, code: 'AuthorizationHeaderMalformed', reason: `region ${region}, expected ${credentials.region}` };
  if (service !== 's3') return { ok: false, code: 'AuthorizationHeaderMalformed', reason: `service ${service}, expected s3` };
  const date = String(request.headers['x-amz-date'] ?? '');
  if (!date.startsWith(day!)) return { ok: false, code: 'AuthorizationHeaderMalformed', reason: 'credential day and x-amz-date differ' };
  const names = signedHeaders!.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
    if (!names.includes(required)) return { ok: false, code: 'AccessDenied', reason: `${required} is not signed` };
  }
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  if (request.headers['x-amz-content-sha256'] !== bodyHash) return { ok: false, code: 'XAmzContentSHA256Mismatch', reason: 'x-amz-content-sha256 is not the hash of the body' };

  const rawQuery = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const pairs = rawQuery === '' ? [] : rawQuery.split('&').map((kv) => kv.split('=').map((s) => encode(decodeURIComponent(s.replace(/\+/g, ' ')))) as [string, string?]);
  const canonicalQuery = pairs
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .sort()
    .join('&');
  const canonicalHeaders = names.map((n) => `${n}:${String(request.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const rawPath = request.url.split('?')[0]!;
  const canonical = [request.method, rawPath, canonicalQuery, canonicalHeaders, signedHeaders, bodyHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  let key: Buffer = Buffer.from(`AWS4${credentials.secretKey}`);
  for (const part of [day!, region!, service!, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  if (expected !== signature) return { ok: false, code: 'SignatureDoesNotMatch', reason: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' };
  return { ok: true };
}

function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
