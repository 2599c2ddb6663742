import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../../ports/host-resolver.ts';

/**
 * The system resolver (hosts file and DNS, as the sender's connections see names), all
 * addresses of both families. It gives up after `timeoutMs` (default 5 s): a request must not
 * hang on a slow resolver.
 */
export function createDnsHostResolver(options: { timeoutMs?: number } = {}): HostResolver {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return async (host) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    const resolved = lookup(host, { all: true, verbatim: true }).then(
      (answers) => answers.map((answer) => answer.address),
      () => null,
    );
    try {
      return await Promise.race([resolved, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };
}
