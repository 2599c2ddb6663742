import { RemoteError } from '../../ports/remote-error.ts';
import type { BucketMetricsReading, IamPolicyDocument, StorageAdmin } from '../../ports/storage-admin.ts';
import { parseBucketMetrics } from './bucket-metrics.ts';
import { encryptData } from './madmin-encryption.ts';
import { prometheusBearerToken } from './prometheus-jwt.ts';
import { amzDate, canonicalQueryString, sha256Hex, signRequest } from './sigv4.ts';

/** MinIO's address as an origin only: the admin API and S3 live at its root. */
export function bareOrigin(endpoint: string): URL {
  const url = new URL(endpoint);
  if (url.pathname !== '/' || url.search) throw new Error(`MinIO endpoint must be a bare origin such as http://minio:9000, not ${url.origin}${url.pathname}`);
  return url;
}

export interface MinioAdminOptions {
  /** MinIO's base URL, e.g. http://minio:9000 */
  endpoint: string;
  /** the admin (root or an admin user) credentials: they sign every call and key the encrypted bodies */
  accessKey: string;
  secretKey: string;
  region: string;
  /** MINIO_PROMETHEUS_AUTH_TYPE of the server: "jwt" (MinIO's default) or "public" */
  metricsAuth?: 'jwt' | 'public';
  timeoutMs?: number;
  now?: () => Date;
}

const ADMIN_PREFIX = '/minio/admin/v3';
const METRICS_PATH = '/minio/v2/metrics/bucket';

// MinIO error codes that mean "not now" rather than "no"
const RETRYABLE_CODES = new Set(['XMinioServerNotInitialized', 'XMinioIAMNotInitialized', 'XMinioAdminConfigNoQuorum', 'SlowDown', 'RequestTimeout', 'ServiceUnavailable', 'InternalError']);

interface AdminCall {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  query?: [string, string][];
  /** what this call does, for error messages; names, never secrets */
  doing: string;
  body?: { bytes: Uint8Array; contentType: string };
  /** error codes that are an answer rather than a failure */
  accept?: string[];
}

interface AdminAnswer {
  status: number;
  code?: string;
  text: string;
}

/**
 * MinIO's admin REST API, the calls `mc admin` makes through madmin-go, signed with SigV4
 * (service "s3"). Bodies that carry credentials or policy associations are encrypted with the
 * admin secret key as madmin does; see madmin-encryption.ts.
 */
export class MinioAdmin implements StorageAdmin {
  private readonly base: URL;
  private readonly now: () => Date;

  constructor(private readonly options: MinioAdminOptions) {
    this.base = bareOrigin(options.endpoint);
    this.now = options.now ?? (() => new Date());
  }

  async getUser(accessKey: string): Promise<{ accessKey: string; status: 'enabled' | 'disabled'; policyNames: string[] } | null> {
    const answer = await this.call({ method: 'GET', path: 'user-info', query: [['accessKey', accessKey]], doing: `user ${accessKey}: info`, accept: ['XMinioAdminNoSuchUser'] });
    if (answer.code === 'XMinioAdminNoSuchUser') return null;
    const info = parseJson<{ status?: string; policyName?: string }>(answer.text, `user ${accessKey}: info`);
    return {
      accessKey,
      status: info.status === 'disabled' ? 'disabled' : 'enabled',
      policyNames: (info.policyName ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    };
  }

  /** madmin's AddUser: creates the user or replaces its secret, and leaves it enabled */
  async putUser(accessKey: string, secretKey: string): Promise<void> {
    const plaintext = Buffer.from(JSON.stringify({ secretKey, status: 'enabled' }), 'utf8');
    await this.call({
      method: 'PUT',
      path: 'add-user',
      query: [['accessKey', accessKey]],
      doing: `user ${accessKey}: add`,
      body: { bytes: encryptData(this.options.secretKey, plaintext), contentType: 'application/octet-stream' },
    });
  }

  async setUserStatus(accessKey: string, status: 'enabled' | 'disabled'): Promise<void> {
    await this.call({
      method: 'PUT',
      path: 'set-user-status',
      query: [
        ['accessKey', accessKey],
        ['status', status],
      ],
      doing: `user ${accessKey}: ${status === 'enabled' ? 'enable' : 'disable'}`,
    });
  }

  async removeUser(accessKey: string): Promise<void> {
    await this.call({ method: 'DELETE', path: 'remove-user', query: [['accessKey', accessKey]], doing: `user ${accessKey}: remove`, accept: ['XMinioAdminNoSuchUser'] });
  }

  async putPolicy(name: string, document: IamPolicyDocument): Promise<void> {
    await this.call({
      method: 'PUT',
      path: 'add-canned-policy',
      query: [['name', name]],
      doing: `policy ${name}: add`,
      body: { bytes: Buffer.from(JSON.stringify(document), 'utf8'), contentType: 'application/json' },
    });
  }

  async removePolicy(name: string): Promise<void> {
    await this.call({ method: 'DELETE', path: 'remove-canned-policy', query: [['name', name]], doing: `policy ${name}: remove`, accept: ['XMinioAdminNoSuchPolicy'] });
  }

  /**
   * Through the builtin IDP's attach and detach calls (what `mc admin policy attach|detach` use;
   * set-user-or-group-policy is deprecated in madmin). They add and remove, so the difference
   * with what MinIO has now is sent: detachments first, so the user never holds both the old and
   * the new rights at once.
   */
  async setUserPolicies(accessKey: string, policyNames: readonly string[]): Promise<void> {
    const user = await this.getUser(accessKey);
    if (!user) throw new RemoteError('minio', `user ${accessKey}: policies: XMinioAdminNoSuchUser: The specified user does not exist.`, false);
    const wanted = new Set(policyNames);
    const held = new Set(user.policyNames);
    const detach = [...held].filter((p) => !wanted.has(p));
    const attach = [...wanted].filter((p) => !held.has(p));
    if (detach.length > 0) await this.associate('detach', accessKey, detach);
    if (attach.length > 0) await this.associate('attach', accessKey, attach);
  }

  /**
   * Hard quota. The JSON carries the limit twice: "size" is what current servers read, "quota"
   * what older ones read (madmin-go renamed it); each ignores the other.
   */
  async setBucketQuota(bucket: string, quotaBytes: bigint | null): Promise<void> {
    if (quotaBytes !== null && quotaBytes <= 0n) throw new RangeError(`a bucket quota must be at least 1 byte, not ${quotaBytes}`);
    // written by hand: JSON.stringify cannot write a bigint, and a number would round past 2^53
    const json =
      quotaBytes === null
        ? '{"quota":0,"size":0,"rate":0,"requests":0}'
        : `{"quota":${quotaBytes},"size":${quotaBytes},"rate":0,"requests":0,"quotatype":"hard"}`;
    await this.call({
      method: 'PUT',
      path: 'set-bucket-quota',
      query: [['bucket', bucket]],
      doing: `bucket ${bucket}: ${quotaBytes === null ? 'clear quota' : 'set quota'}`,
      body: { bytes: Buffer.from(json, 'utf8'), contentType: 'application/json' },
    });
  }

  /** the bucket's hard quota in bytes, or null when it has none (not part of the port: for checks and ops) */
  async getBucketQuota(bucket: string): Promise<bigint | null> {
    const answer = await this.call({
      method: 'GET',
      path: 'get-bucket-quota',
      query: [['bucket', bucket]],
      doing: `bucket ${bucket}: get quota`,
      accept: ['XMinioAdminNoSuchQuotaConfiguration'],
    });
    if (answer.code) return null;
    // read from the text: JSON.parse would round a limit past 2^53
    const field = (name: string) => new RegExp(`"${name}"\\s*:\\s*(\\d+)`).exec(answer.text)?.[1];
    const limit = BigInt(field('size') ?? '0') || BigInt(field('quota') ?? '0');
    return limit === 0n ? null : limit;
  }

  async bucketMetrics(): Promise<BucketMetricsReading[]> {
    const url = new URL(METRICS_PATH, this.base);
    const headers: Record<string, string> = {};
    if ((this.options.metricsAuth ?? 'jwt') === 'jwt') headers.authorization = `Bearer ${prometheusBearerToken(this.options.accessKey, this.options.secretKey, this.now())}`;
    const answer = await this.send(url, { method: 'GET', headers }, 'bucket metrics');
    if (answer.status !== 200) throw answerError(answer, 'bucket metrics');
    try {
      return parseBucketMetrics(answer.text);
    } catch (error) {
      throw new RemoteError('minio', `bucket metrics: ${(error as Error).message}`, false);
    }
  }

  private async associate(operation: 'attach' | 'detach', user: string, policies: string[]): Promise<void> {
    const plaintext = Buffer.from(JSON.stringify({ policies, user }), 'utf8');
    await this.call({
      method: 'POST',
      path: `idp/builtin/policy/${operation}`,
      doing: `user ${user}: ${operation} ${policies.join(',')}`,
      body: { bytes: encryptData(this.options.secretKey, plaintext), contentType: 'application/octet-stream' },
      // another writer got there first: the association is already what we want
      accept: ['XMinioAdminPolicyChangeAlreadyApplied'],
    });
  }

  private async call(call: AdminCall): Promise<AdminAnswer> {
    const query = call.query ?? [];
    const qs = canonicalQueryString(query);
    const path = `${ADMIN_PREFIX}/${call.path}`;
    const url = new URL(`${path}${qs ? `?${qs}` : ''}`, this.base);
    const body = call.body?.bytes ?? new Uint8Array(0);
    const payloadHash = sha256Hex(body);
    const signed = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate(this.now()) };
    const { authorization } = signRequest(
      { method: call.method, path, query, headers: signed, payloadHash },
      { accessKey: this.options.accessKey, secretKey: this.options.secretKey, region: this.options.region, service: 's3' },
    );
    const headers: Record<string, string> = { 'x-amz-content-sha256': signed['x-amz-content-sha256'], 'x-amz-date': signed['x-amz-date'], authorization };
    if (call.body) headers['content-type'] = call.body.contentType;
    const answer = await this.send(url, { method: call.method, headers, ...(call.body ? { body: call.body.bytes } : {}) }, call.doing);
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (answer.code && call.accept?.includes(answer.code)) return answer;
    throw answerError(answer, call.doing);
  }

  private async send(url: URL, init: { method: string; headers: Record<string, string>; body?: Uint8Array }, doing: string): Promise<AdminAnswer> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
      text = await response.text();
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? (error as Error).name;
      throw new RemoteError('minio', `${doing}: ${reason}: ${cause?.message ?? (error as Error).message}`, true);
    }
    const answer: AdminAnswer = { status: response.status, text };
    if (response.status >= 300) answer.code = errorCodeOf(text);
    return answer;
  }
}

function errorCodeOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { Code?: unknown };
    return typeof parsed.Code === 'string' ? parsed.Code : undefined;
  } catch {
    return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  }
}

function answerError(answer: AdminAnswer, doing: string): RemoteError {
  let reason = answer.text.trim().slice(0, 300);
  try {
    const parsed = JSON.parse(answer.text) as { Message?: unknown };
    if (typeof parsed.Message === 'string') reason = parsed.Message;
  } catch {
    reason = /<Message>([^<]*)<\/Message>/.exec(answer.text)?.[1] ?? reason;
  }
  const code = answer.code ?? `HTTP ${answer.status}`;
  const retryable = (answer.status >= 500 && answer.status !== 501) || answer.status === 408 || answer.status === 429 || (answer.code !== undefined && RETRYABLE_CODES.has(answer.code));
  return new RemoteError('minio', `${doing}: ${code}: ${reason || `HTTP ${answer.status}`}`, retryable);
}

function parseJson<T>(text: string, doing: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RemoteError('minio', `${doing}: the answer is not JSON`, false);
  }
}
