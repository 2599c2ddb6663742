import type { AccountStatus } from '../account/account-decider.ts';
import type { Currency } from '../rating/money.ts';

/**
 * Operators only. Subscribes the account to a plan, or moves it to another, from the instant
 * `effectiveAt`. What the decider needs to know about the account and the plan arrives in the
 * command, read by the command layer from their own streams: the decider stays pure.
 */
export type ChangeSubscription = {
  type: 'ChangeSubscription';
  data: {
    accountId: string;
    planId: string;
    /** ISO instant with an offset; the command layer defaults it to the request's time */
    effectiveAt: string;
    changedAt: string;
    account: { status: AccountStatus; currency: Currency; timeZone: string };
    /** null when the plan does not exist */
    plan: { currency: Currency; versions: readonly { version: number; effectiveFrom: string }[] } | null;
  };
};

export type SubscriptionCommand = ChangeSubscription;
