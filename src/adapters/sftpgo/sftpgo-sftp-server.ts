import { RemoteError } from '../../ports/remote-error.ts';
import type { SftpRemoteUser, SftpServer, SftpUserSpec } from '../../ports/sftp-server.ts';
import { SftpgoAdminToken } from './sftpgo-admin-token.ts';
import { SftpgoApi } from './sftpgo-api.ts';
import { USER_DISABLED, USER_ENABLED, type SftpgoFolder, type SftpgoUser } from './sftpgo-schema.ts';
import { SftpgoTransport } from './sftpgo-transport.ts';
import { folderBody, folderName, mappedBuckets, ownFolders, ownerOfFolder, toRemoteUser, userBody, withStatus } from './sftpgo-user-layout.ts';

export interface SftpgoClientOptions {
  /** SFTPGo's address (`http://sftpgo:8080`); `/api/v2` is added unless it is already there */
  baseUrl: string;
  adminUser: string;
  adminPassword: string;
  /** where SFTPGo keeps each user's local root (empty: the files live in the bucket folders) */
  usersHome?: string;
  requestTimeoutMs?: number;
  /** the clock that decides when the admin token is due for renewal */
  now?: () => number;
}

const DEFAULT_USERS_HOME = '/srv/sftpgo/data';
/** the most GET /folders returns in one page */
const FOLDER_PAGE = 500;

/**
 * SftpServer through SFTPGo's REST API (tests/fixtures/sftpgo/sftpgo-openapi.yaml). Every operation reads
 * the remote state first and only then writes, so doing it again after a crash changes nothing.
 */
export class SftpgoClient implements SftpServer {
  private readonly api: SftpgoApi;
  private readonly usersHome: string;

  constructor(options: SftpgoClientOptions) {
    const transport = new SftpgoTransport(apiRoot(options.baseUrl), options.requestTimeoutMs ?? 30_000);
    const token = new SftpgoAdminToken(transport, { user: options.adminUser, password: options.adminPassword }, options.now ?? Date.now);
    this.api = new SftpgoApi(transport, token);
    this.usersHome = options.usersHome ?? DEFAULT_USERS_HOME;
  }

  async getUser(username: string): Promise<SftpRemoteUser | null> {
    const user = await this.findUser(username);
    return user && toRemoteUser(user);
  }

  async putUser(spec: SftpUserSpec): Promise<void> {
    const secrets = [spec.password ?? '', spec.s3.secretKey];
    const existing = await this.findUser(spec.username);
    if (existing === null && spec.password === undefined) {
      throw new RemoteError('sftpgo', `SFTPGo has no user ${spec.username}, and it cannot be created without its password`, false);
    }
    // the user may only mount folders that exist, so they come first
    for (const bucket of mappedBuckets(spec)) await this.putFolder(folderBody(spec, bucket), secrets);
    const body = userBody(spec, this.usersHome);
    if (existing === null) {
      await this.api.call({ method: 'POST', path: '/users', body, secrets });
      return;
    }
    // disconnect=1: a new password or a bucket taken away applies to open sessions too
    await this.api.call({ method: 'PUT', path: userPath(spec.username), query: { disconnect: '1' }, body, secrets });
    const kept = new Set(mappedBuckets(spec).map((bucket) => folderName(spec.username, bucket)));
    for (const name of ownFolders(existing)) if (!kept.has(name)) await this.deleteFolder(name);
  }

  async setUserStatus(username: string, status: 'enabled' | 'disabled'): Promise<void> {
    const existing = await this.findUser(username);
    if (existing === null) throw new RemoteError('sftpgo', `SFTPGo has no user ${username} to ${status === 'enabled' ? 'enable' : 'disable'}`, false);
    if (existing.status === (status === 'enabled' ? USER_ENABLED : USER_DISABLED)) return;
    await this.api.call({
      method: 'PUT',
      path: userPath(username),
      // a suspended account's open sessions end now, not at their next login
      query: { disconnect: status === 'disabled' ? '1' : '0' },
      body: withStatus(existing, status),
    });
  }

  async deleteUser(username: string): Promise<void> {
    await this.api.call({ method: 'DELETE', path: userPath(username), notFoundIsAnswer: true });
    // Found by name rather than through the user, so folders left by a crash (after the user
    // went, or before it was ever created) go too when this runs again.
    for (const name of await this.folderNames()) if (ownerOfFolder(name) === username) await this.deleteFolder(name);
  }

  private async findUser(username: string): Promise<SftpgoUser | null> {
    const answer = await this.api.call({ method: 'GET', path: userPath(username), notFoundIsAnswer: true });
    if (answer.status === 404) return null;
    if (!isUser(answer.body)) throw new RemoteError('sftpgo', `SFTPGo GET ${userPath(username)} answered ${answer.status} without a user`, false);
    return answer.body;
  }

  private async putFolder(folder: SftpgoFolder, secrets: readonly string[]): Promise<void> {
    const path = folderPath(folder.name);
    const found = await this.api.call({ method: 'GET', path, notFoundIsAnswer: true });
    if (found.status === 404) await this.api.call({ method: 'POST', path: '/folders', body: folder, secrets });
    else await this.api.call({ method: 'PUT', path, body: folder, secrets });
  }

  private async deleteFolder(name: string): Promise<void> {
    await this.api.call({ method: 'DELETE', path: folderPath(name), notFoundIsAnswer: true });
  }

  /** every folder's name, all pages read before anything is deleted (deleting shifts the pages) */
  private async folderNames(): Promise<string[]> {
    const names: string[] = [];
    for (let offset = 0; ; offset += FOLDER_PAGE) {
      const answer = await this.api.call({
        method: 'GET',
        path: '/folders',
        query: { offset: String(offset), limit: String(FOLDER_PAGE), order: 'ASC' },
      });
      const page = Array.isArray(answer.body) ? (answer.body as unknown[]) : [];
      for (const folder of page) {
        const name = (folder as { name?: unknown } | null)?.name;
        if (typeof name === 'string') names.push(name);
      }
      if (page.length < FOLDER_PAGE) return names;
    }
  }
}

function apiRoot(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.username !== '' || url.password !== '') throw new Error('the SFTPGo base URL must not carry credentials: give them as the admin user and password');
  const root = url.href.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return root.endsWith('/api/v2') ? root : `${root}/api/v2`;
}

function userPath(username: string): string {
  return `/users/${encodeURIComponent(username)}`;
}

function folderPath(name: string): string {
  return `/folders/${encodeURIComponent(name)}`;
}

function isUser(body: unknown): body is SftpgoUser {
  return body !== null && typeof body === 'object' && typeof (body as SftpgoUser).username === 'string' && typeof (body as SftpgoUser).status === 'number';
}
