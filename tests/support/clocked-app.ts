import { randomBytes } from 'node:crypto';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import type { HostResolver } from '../../src/ports/host-resolver.ts';
import type { TokenScope } from '../../src/domain/api-token/api-token.ts';
import { createTestDatabase } from './database.ts';

export type ClockedApp = Application & {
  /** moves the process's one clock (every request, run and event takes its instants from it) */
  setClock(instant: string): void;
  tokenFor(scope: TokenScope): Promise<string>;
};

/**
 * The whole application with its clock set by the test: for tests that compare instants
 * (periods, issue and due dates, deletions) and must pass whatever date the machine shows.
 */
export async function startClockedApp(startAt: string, env: Record<string, string> = {}, options: { resolveHost?: HostResolver } = {}): Promise<ClockedApp> {
  let now = new Date(startAt);
  const url = await createTestDatabase('clocked');
  const app = await compose(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64'), ...env }), {
    httpLogs: false,
    clock: () => new Date(now),
    ...options,
  });
  return {
    ...app,
    setClock(instant) {
      now = new Date(instant);
    },
    async tokenFor(scope) {
      const at = now.toISOString();
      const { token } = await issueApiToken(app.infrastructure.eventStore, { name: 'test', scope }, { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: at });
      return token;
    },
  };
}
