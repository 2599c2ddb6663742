import { IllegalStateError } from '../errors.ts';
import type { AccountStatus } from './account-decider.ts';

/**
 * A suspended or closed account takes on no new work: no new buckets or bucket settings, no
 * new credentials, no quota requests. Deciders of an account's resources call this with the
 * status their command carries.
 */
export function requireAccountAcceptsWork(status: AccountStatus, accountId: string): void {
  if (status === 'suspended') throw new IllegalStateError('account_suspended', `account ${accountId} is suspended and accepts no new work`);
  if (status === 'closed') throw new IllegalStateError('account_closed', `account ${accountId} is closed`);
}
