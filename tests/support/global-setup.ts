import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/adapters/postgres/embedded-postgres.ts';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

/**
 * embedded-postgres installs async-exit-hook, which answers 'beforeExit' with process.exit(0):
 * that would turn vitest's failing exit code into success. The code vitest set is kept here
 * before that hook runs and put back as the process exits.
 */
function keepVitestExitCode() {
  let intended: number | string | undefined;
  process.prependListener('beforeExit', () => {
    intended = process.exitCode;
  });
  process.on('exit', () => {
    if (intended !== undefined && intended !== 0) process.exitCode = intended;
  });
}

/** One throwaway PostgreSQL cluster per test run; each test file makes its own database in it. */
export default async function setup(project: TestProject) {
  keepVitestExitCode();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cloudpro-test-pg-'));
  // The unprivileged postgres user needs to reach the cluster directory.
  await import('node:fs/promises').then((fs) => fs.chmod(dataDir, 0o755));
  const port = await freePort();
  const postgres = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', persistent: false });
  project.provide('postgresAdminUrl', postgres.connectionString);
  return async () => {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
