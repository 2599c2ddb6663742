import { redact } from '../redact.ts';
import { RemoteError } from '../../ports/remote-error.ts';
import type { SftpgoApiResponse } from './sftpgo-schema.ts';

export interface SftpgoRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** below the API root, already encoded: `/users/cp-acme` */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  authorization: string;
  /** values that must never reach an error message, even when SFTPGo echoes them */
  secrets: readonly string[];
}

export interface SftpgoAnswer {
  status: number;
  body: unknown;
}

const MAX_REASON_CHARS = 500;

/**
 * One HTTP exchange with SFTPGo's REST API. Whatever SFTPGo answers is returned; only a
 * failure to get an answer at all throws, as a retryable RemoteError.
 */
export class SftpgoTransport {
  constructor(
    /** `http://host:port/api/v2` */
    private readonly apiRoot: string,
    private readonly timeoutMs: number,
  ) {}

  async send(request: SftpgoRequest): Promise<SftpgoAnswer> {
    const url = new URL(`${this.apiRoot}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json', authorization: request.authorization };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new RemoteError('sftpgo', `${describe(request)}: ${redact(networkReason(error, this.timeoutMs), request.secrets)}`, true);
    }
    return { status: response.status, body: parseBody(text, response.headers.get('content-type')) };
  }
}

export function describe(request: Pick<SftpgoRequest, 'method' | 'path'>): string {
  return `SFTPGo ${request.method} ${request.path}`;
}

/**
 * The RemoteError for an answer that is not a success: SFTPGo's own reason (ApiResponse
 * `error` and `message`), retryable when the server failed (5xx) or asked us to slow down
 * (429), not when it refused the request (other 4xx).
 */
export function answerError(request: Pick<SftpgoRequest, 'method' | 'path' | 'secrets'>, answer: SftpgoAnswer): RemoteError {
  const retryable = answer.status >= 500 || answer.status === 429;
  return new RemoteError('sftpgo', `${describe(request)} answered ${answer.status}: ${redact(reasonOf(answer), request.secrets)}`, retryable);
}

function reasonOf(answer: SftpgoAnswer): string {
  const body = answer.body;
  if (typeof body === 'string') return body.trim() === '' ? 'no reason given' : clip(body.trim());
  if (body !== null && typeof body === 'object') {
    const { error, message } = body as SftpgoApiResponse;
    const parts = [error, message].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
    if (parts.length > 0) return clip(parts.join(': '));
  }
  return 'no reason given';
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `cannot reach SFTPGo (${detail})`;
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function clip(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}
