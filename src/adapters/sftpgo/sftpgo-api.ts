import type { SftpgoAdminToken } from './sftpgo-admin-token.ts';
import { answerError, type SftpgoAnswer, type SftpgoRequest, type SftpgoTransport } from './sftpgo-transport.ts';

export interface SftpgoCall {
  method: SftpgoRequest['method'];
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** the password and S3 secret the body carries */
  secrets?: readonly string[];
  /** a 404 is an answer (the object does not exist), not an error */
  notFoundIsAnswer?: boolean;
}

/** Calls to SFTPGo's admin API with the admin's bearer token; anything but success throws a RemoteError. */
export class SftpgoApi {
  constructor(
    private readonly transport: SftpgoTransport,
    private readonly token: SftpgoAdminToken,
  ) {}

  async call(call: SftpgoCall): Promise<SftpgoAnswer> {
    const first = await this.token.current();
    let answer = await this.send(call, first);
    // A token can die before its time (SFTPGo restarted, the admin's password changed): one fresh try.
    if (answer.status === 401) answer = await this.send(call, await this.token.renew(first));
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (answer.status === 404 && call.notFoundIsAnswer) return answer;
    throw answerError({ ...call, secrets: this.secretsOf(call) }, answer);
  }

  private send(call: SftpgoCall, token: string): Promise<SftpgoAnswer> {
    return this.transport.send({
      method: call.method,
      path: call.path,
      query: call.query,
      body: call.body,
      authorization: `Bearer ${token}`,
      secrets: this.secretsOf(call),
    });
  }

  private secretsOf(call: SftpgoCall): string[] {
    return [...(call.secrets ?? []), ...this.token.secrets()];
  }
}
