import { z } from 'zod';
import { checkPlanId, PLAN_ID_RULE } from '../../domain/pricebook/pricebook-decider.ts';
import { checkInstant } from '../../domain/rating/instant.ts';
import { rule } from './domain-rule.ts';
import { textField } from './field-rule-schema.ts';

export const ChangeSubscriptionBody = z.strictObject({
  planId: textField(PLAN_ID_RULE, checkPlanId).describe("a published plan in the account's currency"),
  effectiveAt: z
    .string()
    .superRefine(rule(checkInstant))
    .meta({ format: 'date-time' })
    .optional()
    .describe('ISO 8601 instant with an offset; now when absent. Not before the last change; inside a period it splits the period between the two plans'),
});

const SubscriptionChangeView = z.object({
  planId: z.string(),
  previousPlanId: z.string().nullable(),
  effectiveAt: z.string(),
  changedAt: z.string(),
});

export const SubscriptionView = z
  .object({
    accountId: z.string(),
    planId: z.string().nullable().describe('the plan in force now; null before the first subscription takes effect'),
    since: z.string().nullable().describe('when that plan took effect'),
    scheduled: z.array(SubscriptionChangeView).describe('changes recorded to take effect later, in order'),
    history: z.array(SubscriptionChangeView).describe('every change, oldest first, scheduled ones included'),
  })
  .meta({ id: 'Subscription' });
export type SubscriptionView = z.infer<typeof SubscriptionView>;
export type SubscriptionChangeView = z.infer<typeof SubscriptionChangeView>;
