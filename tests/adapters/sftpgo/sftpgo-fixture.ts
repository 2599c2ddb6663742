import { afterEach, beforeEach, expect } from 'vitest';
import { SftpgoClient, type SftpgoClientOptions } from '../../../src/adapters/sftpgo/index.ts';
import type { SftpUserSpec } from '../../../src/ports/sftp-server.ts';
import { startSftpgoSpecServer, type SftpgoSpecServer, type SftpgoSpecServerOptions } from '../../support/sftpgo-spec-server.ts';

export const ADMIN = { user: 'ledger-admin', password: 'Adm1n-pass-9Qz' };
export const PASSWORD = 'Pw7f3K9q2LmX8vR1tY6uZ0aB';
export const SECRET_KEY = 'wJalrXUtnFEMI7K7MDENGbPxRfiCYEXAMPLEKEY1';

export const ACME: SftpUserSpec = {
  username: 'cp-acme',
  password: PASSWORD,
  status: 'enabled',
  s3: { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', accessKey: 'AKIAACME000000000001', secretKey: SECRET_KEY },
  buckets: ['acme-data', 'acme-backup'],
};

export interface SftpgoFixture {
  server: SftpgoSpecServer;
  client: SftpgoClient;
  /** another client on the same server, e.g. with its own clock or credentials */
  clientWith(options: Partial<SftpgoClientOptions>): SftpgoClient;
  /** operationId and status of every request since the last call */
  takeCalls(): string[];
}

/**
 * A spec server per test and a client on the server's clock; after each test, every request
 * must have followed the document, and every answer too.
 */
export function useSftpgo(serverOptions: Partial<SftpgoSpecServerOptions> = {}): SftpgoFixture {
  const fixture = {} as SftpgoFixture;
  let seen = 0;
  beforeEach(async () => {
    const server = await startSftpgoSpecServer({ adminUser: ADMIN.user, adminPassword: ADMIN.password, ...serverOptions });
    const clientWith = (options: Partial<SftpgoClientOptions>) =>
      new SftpgoClient({ baseUrl: server.url, adminUser: ADMIN.user, adminPassword: ADMIN.password, now: () => server.now(), ...options });
    seen = 0;
    Object.assign(fixture, {
      server,
      client: clientWith({}),
      clientWith,
      takeCalls: () => {
        const calls = server.requests.slice(seen).map((r) => `${r.operationId} ${r.status}`);
        seen = server.requests.length;
        return calls;
      },
    });
  });
  afterEach(async () => {
    const { server } = fixture;
    await server.close();
    expect(server.violations).toEqual([]);
    expect(server.notes).toEqual([]);
    expect(server.responseViolations).toEqual([]);
  });
  return fixture;
}
