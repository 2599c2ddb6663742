import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decryptData } from './madmin-decryption.ts';
import { startStandIn, type ReceivedRequest } from './http-stand-in.ts';
import { verifySigV4 } from './sigv4-verify.ts';

export interface StandInUser {
  secretKey: string;
  status: 'enabled' | 'disabled';
  policies: string[];
}

/**
 * MinIO's admin API as its handlers (cmd/admin-handlers-users.go, admin-bucket-handlers.go,
 * metrics) and madmin-go describe it, kept in memory on 127.0.0.1. Every request is checked the
 * way MinIO checks it: method and path, query parameters, the SigV4 signature recomputed from
 * what arrived, encrypted bodies opened with the admin secret key. Anything else is refused with
 * MinIO's JSON error shape, so a wrong request fails the test.
 */
export async function startMinioAdminStandIn(admin: { accessKey: string; secretKey: string; region: string; metricsAuth: 'jwt' | 'public'; metrics: string }) {
  const users = new Map<string, StandInUser>();
  const policies = new Map<string, unknown>();
  const quotas = new Map<string, string>();
  const buckets = new Set<string>(['acme-data', 'acme-logs']);
  /** every request the adapter sent, with its decrypted body where it had one */
  const calls: { method: string; path: string; query: Record<string, string>; contentType?: string; json?: unknown }[] = [];
  const faults: { status: number; code: string; message: string }[] = [];

  const fail = (res: ServerResponse, status: number, code: string, message: string) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ Code: code, Message: message, Resource: '', RequestId: '17F0A1B2C3D4E5F6', HostId: '' }));
  };
  const ok = (res: ServerResponse, body?: unknown) => {
    res.statusCode = 200;
    if (body === undefined) return res.end();
    res.setHeader('content-type', 'application/json');
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const queryOf = (req: ReceivedRequest) => Object.fromEntries(req.query.entries());
  const requireQuery = (req: ReceivedRequest, names: string[]) => {
    const got = [...req.query.keys()].sort();
    if (JSON.stringify(got) !== JSON.stringify([...names].sort())) throw new Error(`query ${got.join(',')} where ${names.join(',')} was expected`);
  };
  const decrypted = (req: ReceivedRequest) => JSON.parse(decryptData(admin.secretKey, req.body).toString('utf8')) as unknown;

  const server = await startStandIn((req, res) => {
    if (req.path === '/minio/v2/metrics/bucket') return metrics(req, res);
    if (!req.path.startsWith('/minio/admin/v3/')) return fail(res, 404, 'NotImplemented', `no such API ${req.method} ${req.path}`);
    const verdict = verifySigV4(req, admin);
    if (!verdict.ok) return fail(res, 403, verdict.code, verdict.reason);
    const fault = faults.shift();
    if (fault) return fail(res, fault.status, fault.code, fault.message);
    const route = `${req.method} ${req.path.slice('/minio/admin/v3/'.length)}`;
    const q = queryOf(req);
    const call: (typeof calls)[number] = { method: req.method, path: req.path, query: q };
    if (req.headers['content-type']) call.contentType = req.headers['content-type'];
    calls.push(call);
    try {
      switch (route) {
        case 'PUT add-user': {
          requireQuery(req, ['accessKey']);
          if (req.headers['content-length'] === undefined) throw new Error('add-user without a Content-Length');
          let body: { secretKey?: string; status?: string };
          try {
            body = decrypted(req) as typeof body;
          } catch {
            return fail(res, 400, 'XMinioAdminConfigBadJSON', 'JSON configuration provided is of incorrect format');
          }
          call.json = body;
          if (!body.secretKey || (body.status !== 'enabled' && body.status !== 'disabled')) return fail(res, 400, 'XMinioAdminConfigBadJSON', 'JSON configuration provided is of incorrect format');
          const existing = users.get(q.accessKey!);
          users.set(q.accessKey!, { secretKey: body.secretKey, status: body.status, policies: existing?.policies ?? [] });
          return ok(res);
        }
        case 'GET user-info': {
          requireQuery(req, ['accessKey']);
          const user = users.get(q.accessKey!);
          if (!user) return fail(res, 404, 'XMinioAdminNoSuchUser', 'The specified user does not exist.');
          return ok(res, { ...(user.policies.length ? { policyName: user.policies.join(',') } : {}), status: user.status, updatedAt: '2026-03-01T00:00:00Z' });
        }
        case 'PUT set-user-status': {
          requireQuery(req, ['accessKey', 'status']);
          const user = users.get(q.accessKey!);
          if (!user) return fail(res, 404, 'XMinioAdminNoSuchUser', 'The specified user does not exist.');
          if (q.status !== 'enabled' && q.status !== 'disabled') return fail(res, 400, 'XMinioAdminInvalidArgument', 'Invalid arguments specified.');
          user.status = q.status;
          return ok(res);
        }
        case 'DELETE remove-user': {
          requireQuery(req, ['accessKey']);
          if (!users.delete(q.accessKey!)) return fail(res, 404, 'XMinioAdminNoSuchUser', 'The specified user does not exist.');
          return ok(res);
        }
        case 'PUT add-canned-policy': {
          requireQuery(req, ['name']);
          const doc = JSON.parse(req.body.toString('utf8')) as { Statement?: unknown[] };
          call.json = doc;
          if (!Array.isArray(doc.Statement) || doc.Statement.length === 0) return fail(res, 400, 'XMinioMalformedJSON', 'The JSON you provided was not well-formed or did not validate against our published format.');
          policies.set(q.name!, doc);
          return ok(res);
        }
        case 'DELETE remove-canned-policy': {
          requireQuery(req, ['name']);
          // MinIO answers success for a policy already gone
          policies.delete(q.name!);
          return ok(res);
        }
        case 'POST idp/builtin/policy/attach':
        case 'POST idp/builtin/policy/detach': {
          requireQuery(req, []);
          if (req.headers['content-type'] !== 'application/octet-stream') return fail(res, 400, 'BadRequest', 'Bad Request');
          const body = decrypted(req) as { policies: string[]; user?: string; group?: string };
          call.json = body;
          const user = users.get(body.user ?? '');
          if (!user) return fail(res, 404, 'XMinioAdminNoSuchUser', 'The specified user does not exist.');
          const attach = route.endsWith('attach') && !route.endsWith('detach');
          const change = body.policies.filter((p) => (attach ? !user.policies.includes(p) : user.policies.includes(p)));
          if (change.length === 0) return fail(res, 400, 'XMinioAdminPolicyChangeAlreadyApplied', 'The specified policy change is already in effect.');
          if (attach && change.some((p) => !policies.has(p))) return fail(res, 404, 'XMinioAdminNoSuchPolicy', 'The canned policy does not exist.');
          user.policies = attach ? [...user.policies, ...change] : user.policies.filter((p) => !change.includes(p));
          // MinIO encrypts this answer with Argon2id; madmin decrypts it, we need not read it
          return ok(res, 'encrypted-association-response');
        }
        case 'PUT set-bucket-quota': {
          requireQuery(req, ['bucket']);
          if (!buckets.has(q.bucket!)) return fail(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
          const text = req.body.toString('utf8');
          call.json = text;
          quotas.set(q.bucket!, text);
          return ok(res);
        }
        case 'GET get-bucket-quota': {
          requireQuery(req, ['bucket']);
          const quota = quotas.get(q.bucket!);
          if (!quota) return fail(res, 404, 'XMinioAdminNoSuchQuotaConfiguration', 'The quota configuration does not exist');
          return ok(res, quota);
        }
        default:
          return fail(res, 400, 'XMinioAdminInvalidArgument', `no route ${route}`);
      }
    } catch (error) {
      return fail(res, 400, 'XMinioAdminInvalidArgument', (error as Error).message);
    }
  });

  function metrics(req: ReceivedRequest, res: ServerResponse) {
    if (req.method !== 'GET') return fail(res, 405, 'MethodNotAllowed', 'Method Not Allowed');
    if (admin.metricsAuth === 'jwt') {
      const reason = jwtProblem(String(req.headers.authorization ?? ''), admin);
      if (reason) return fail(res, 403, 'AccessDenied', reason);
    }
    res.statusCode = 200;
    res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    res.end(admin.metrics);
  }

  return { ...server, users, policies, quotas, calls, faults };
}

/** MinIO's check of a metrics bearer token: HS512 under the secret key, subject the access key, not expired */
function jwtProblem(authorization: string, admin: { accessKey: string; secretKey: string }): string | undefined {
  const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization);
  if (!m) return 'no bearer token';
  const [, header, claims, signature] = m;
  const expected = createHmac('sha512', admin.secretKey).update(`${header}.${claims}`).digest('base64url');
  if (expected !== signature) return 'bad token signature';
  const h = JSON.parse(Buffer.from(header!, 'base64url').toString()) as { alg?: string };
  if (h.alg !== 'HS512') return `token algorithm ${h.alg}`;
  const c = JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { sub?: string; exp?: number; iss?: string };
  if (c.sub !== admin.accessKey) return `token subject ${c.sub}`;
  if (typeof c.exp !== 'number' || c.exp * 1000 < Date.now()) return 'token expired';
  return undefined;
}
