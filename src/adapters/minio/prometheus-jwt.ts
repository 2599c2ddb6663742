import { createHmac } from 'node:crypto';

/**
 * The bearer token MinIO's metrics endpoints accept when MINIO_PROMETHEUS_AUTH_TYPE is "jwt"
 * (the default), made as `mc admin prometheus generate` makes it: HS512, signed with the
 * secret key, subject the access key, issuer "prometheus". mc gives it a hundred years; we
 * make a fresh one per scrape that lives an hour, so a leaked token soon stops working.
 */
export function prometheusBearerToken(accessKey: string, secretKey: string, now: Date, lifetimeSeconds = 3600): string {
  const header = base64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ exp: Math.floor(now.getTime() / 1000) + lifetimeSeconds, iss: 'prometheus', sub: accessKey }));
  const signature = createHmac('sha512', Buffer.from(secretKey, 'utf8')).update(`${header}.${claims}`).digest('base64url');
  return `${header}.${claims}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
