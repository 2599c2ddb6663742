import type { PlanTerms, PublishPlanVersion } from '../domain/pricebook/pricebook-commands.ts';
import { pricebookDecider, type PricebookState } from '../domain/pricebook/pricebook-decider.ts';
import type { PricebookEvent } from '../domain/pricebook/pricebook-events.ts';
import { pricebookStream } from '../domain/pricebook/pricebook-events.ts';
import type { EventStore } from '../ports/event-store.ts';
import { handleCommand, loadAggregate, type CommandContext, type CommandResult } from './command-handler.ts';

export type PricebookCommands = ReturnType<typeof createPricebookCommands>;
export type PricebookResult = CommandResult<PricebookEvent, PricebookState>;

/** A plan as its stream has it now (status 'none' when it does not exist). */
export async function loadPlan(eventStore: EventStore, planId: string): Promise<PricebookState> {
  return (await loadAggregate(eventStore, pricebookDecider, pricebookStream(planId))).state;
}

export function createPricebookCommands(eventStore: EventStore) {
  return {
    /** The first version of a new plan; ConflictError `plan_exists` if the id is taken. */
    publishPlan(input: { planId: string; name: string; effectiveFrom: string; terms: PlanTerms }, context: CommandContext): Promise<PricebookResult> {
      return handleCommand(eventStore, pricebookDecider, pricebookStream(input.planId), { type: 'PublishPlan', data: { ...input, publishedAt: context.occurredAt } }, context);
    },

    /** The next version, in force from a later period than the latest one. */
    publishVersion(input: Omit<PublishPlanVersion['data'], 'publishedAt'>, context: CommandContext): Promise<PricebookResult> {
      return handleCommand(
        eventStore,
        pricebookDecider,
        pricebookStream(input.planId),
        { type: 'PublishPlanVersion', data: { ...input, publishedAt: context.occurredAt } },
        context,
      );
    },
  };
}
