import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

export interface OpsOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the ops command line from the source tree as a process of its own, as an operator
 * would, with exactly the environment given; answers its exit code and output, whether it
 * succeeded or not.
 */
export function runOps(env: NodeJS.ProcessEnv, ...args: string[]): Promise<OpsOutcome> {
  return run(process.execPath, ['--import', 'tsx', 'ops/cli.ts', ...args], { cwd: root, env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: OpsOutcome) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}
