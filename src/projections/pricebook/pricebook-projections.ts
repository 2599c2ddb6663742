import type { Transaction } from 'kysely';
import { pricebookEvents } from '../../domain/pricebook/pricebook-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { PricebookTables } from './pricebook-tables.ts';

/** Plans and every version of each, as operators list and read them. */
export const pricebookProjection: Projection = {
  name: 'pricebook',
  eventTypes: new Set(pricebookEvents.types),
  tables: ['plans', 'plan_versions'],

  async apply(trx: Transaction<PricebookTables>, recorded: RecordedEvent) {
    const event = pricebookEvents.narrow(recorded);
    const d = event.data;
    const revision = recorded.streamRevision.toString();
    await trx
      .insertInto('plan_versions')
      .values({ plan_id: d.planId, version: d.version, name: d.name, effective_from: d.effectiveFrom, plan: JSON.stringify(d.plan), published_at: d.publishedAt })
      .execute();
    const latest = { name: d.name, latest_version: d.version, latest_effective_from: d.effectiveFrom, updated_at: d.publishedAt, revision };
    if (d.version === 1) {
      await trx.insertInto('plans').values({ plan_id: d.planId, currency: d.plan.currency, created_at: d.publishedAt, ...latest }).execute();
      return;
    }
    await updateOneRow(trx, 'plans', { plan_id: d.planId }, latest, `plan ${d.planId}`);
  },
};

export const pricebookProjections: Projection[] = [pricebookProjection];
