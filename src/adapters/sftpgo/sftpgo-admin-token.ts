import { RemoteError } from '../../ports/remote-error.ts';
import type { SftpgoToken } from './sftpgo-schema.ts';
import { answerError, describe, type SftpgoTransport } from './sftpgo-transport.ts';

/** renew this long before the token expires, or at half its life if it is shorter */
const RENEW_MARGIN_MS = 60_000;

interface HeldToken {
  value: string;
  /** after this instant the token is renewed before use; null: used until SFTPGo rejects it */
  renewAt: number | null;
}

/**
 * The admin's bearer token (`GET /token` with basic auth): obtained once, reused, renewed
 * shortly before it expires, and at once when SFTPGo rejects it. Calls that need a token
 * while one is being fetched wait for that one rather than fetching their own.
 */
export class SftpgoAdminToken {
  private held: HeldToken | null = null;
  private pending: Promise<HeldToken> | null = null;

  constructor(
    private readonly transport: SftpgoTransport,
    private readonly admin: { user: string; password: string },
    private readonly now: () => number,
  ) {}

  async current(): Promise<string> {
    const held = this.held;
    if (held && (held.renewAt === null || this.now() < held.renewAt)) return held.value;
    return (await this.obtain()).value;
  }

  /** SFTPGo answered 401 to `rejected`: a fresh token, unless another call has already got one */
  async renew(rejected: string): Promise<string> {
    if (this.held && this.held.value !== rejected) return this.held.value;
    this.held = null;
    return (await this.obtain()).value;
  }

  /** values an error message must never show */
  secrets(): string[] {
    return this.held ? [this.admin.password, this.held.value] : [this.admin.password];
  }

  private obtain(): Promise<HeldToken> {
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<HeldToken> {
    const request = {
      method: 'GET' as const,
      path: '/token',
      authorization: `Basic ${Buffer.from(`${this.admin.user}:${this.admin.password}`, 'utf8').toString('base64')}`,
      secrets: [this.admin.password],
    };
    const obtainedAt = this.now();
    const answer = await this.transport.send(request);
    if (answer.status !== 200) throw answerError(request, answer);
    const token = (answer.body ?? {}) as SftpgoToken;
    if (typeof token.access_token !== 'string' || token.access_token === '') {
      throw new RemoteError('sftpgo', `${describe(request)} answered 200 without an access_token`, false);
    }
    const expiresAt = typeof token.expires_at === 'string' ? Date.parse(token.expires_at) : Number.NaN;
    const renewAt = Number.isNaN(expiresAt) ? null : expiresAt - Math.min(RENEW_MARGIN_MS, Math.max(0, expiresAt - obtainedAt) / 2);
    this.held = { value: token.access_token, renewAt };
    return this.held;
  }
}
