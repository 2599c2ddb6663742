import { accessKeyViewFromState } from '../src/api/routes/access-key-routes.ts';
import { accountViewFromState } from '../src/api/routes/account-views.ts';
import { bucketViewFromState } from '../src/api/routes/bucket-routes.ts';
import { memberViewFromState } from '../src/api/routes/member-routes.ts';
import { subscriptionHistoryFromState, subscriptionView } from '../src/api/routes/subscription-routes.ts';
import { parseInstant } from '../src/domain/rating/instant.ts';
import type { Application } from '../src/main.ts';
import { UsageError } from './usage-error.ts';

/**
 * `ops state-at <accountId> <instant>`: the account, its members, buckets, access keys (never
 * their secrets), subscription and balance as recorded at an instant, as JSON, in the shapes
 * the API's `?asOf=` reads answer (the same query module, the same views).
 */
export async function printStateAt(app: Application, [accountId, instant, ...rest]: string[]): Promise<number> {
  if (!accountId || !instant || rest.length > 0) throw new UsageError('state-at needs an account id and an instant, e.g. state-at 0b6f…  2026-07-01T00:00:00-03:00');
  if (parseInstant(instant) === null) throw new UsageError(`"${instant}" is not an ISO 8601 instant with an offset, e.g. 2026-07-01T00:00:00-03:00`);
  const at = { asOf: instant, now: app.clock().toISOString() };
  const snapshot = await app.ops.accountAt(accountId, at);
  const { asOf } = snapshot;
  const state = {
    asOf,
    account: accountViewFromState(snapshot.account),
    members: snapshot.members.map(memberViewFromState),
    buckets: snapshot.buckets.map(bucketViewFromState),
    accessKeys: snapshot.accessKeys.map((key) => accessKeyViewFromState(key, asOf)),
    subscription: subscriptionView(accountId, subscriptionHistoryFromState(snapshot.subscription), asOf),
    balance: snapshot.balance,
  };
  console.log(JSON.stringify(state, null, 2));
  return 0;
}
