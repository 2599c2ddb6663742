import { randomBytes, randomUUID } from 'node:crypto';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import type { CommandContext } from '../../src/commands/command-handler.ts';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import type { TokenScope } from '../../src/domain/api-token/api-token.ts';
import { createTestDatabase } from './database.ts';

/** The whole application on a fresh database of the test run's embedded PostgreSQL. */
export async function startTestApp(env: Record<string, string> = {}): Promise<Application & { tokenFor(scope: TokenScope): Promise<string> }> {
  const url = await createTestDatabase('app');
  const app = await compose(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64'), ...env }), {
    httpLogs: false,
  });
  return {
    ...app,
    async tokenFor(scope) {
      const { token } = await issueApiToken(app.infrastructure.eventStore, { name: 'test', scope }, testContext());
      return token;
    },
  };
}

export function testContext(overrides: Partial<CommandContext> = {}): CommandContext {
  return { actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-22T12:00:00.000Z', ...overrides };
}
