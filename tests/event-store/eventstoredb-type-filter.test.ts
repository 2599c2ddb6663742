import { describe, expect, it } from 'vitest';
import { eventTypeRegex } from '../../src/adapters/event-store/eventstoredb-event-store.ts';

/**
 * The EventStoreDB adapter filters event types on the server with a regular expression (no
 * server runs here, so the expression itself is checked, with the constructs .NET and
 * JavaScript share: anchors, groups, negative lookahead, character classes).
 */
const matches = (regex: string, type: string) => new RegExp(regex).test(type);

describe('the server-side event type filter', () => {
  it('"only" matches exactly the listed types, never a longer or shorter name, never a system event', () => {
    const regex = eventTypeRegex({ only: ['AccountOpened', 'Bucket.Created'] });
    expect(matches(regex, 'AccountOpened')).toBe(true);
    expect(matches(regex, 'Bucket.Created')).toBe(true);
    expect(matches(regex, 'AccountOpenedAgain')).toBe(false);
    expect(matches(regex, 'XAccountOpened')).toBe(false);
    expect(matches(regex, 'BucketXCreated')).toBe(false);
    expect(matches(regex, '$metadata')).toBe(false);
  });

  it('"except" lets through every other type of ours, and no system event', () => {
    const regex = eventTypeRegex({ except: ['StorageMeasured'] });
    expect(matches(regex, 'StorageMeasured')).toBe(false);
    expect(matches(regex, 'StorageMeasuredLater')).toBe(true);
    expect(matches(regex, 'AccountOpened')).toBe(true);
    expect(matches(regex, '$>')).toBe(false);
  });

  it('no filter (or an empty "except"): every type but system events', () => {
    for (const regex of [eventTypeRegex(undefined), eventTypeRegex({ except: [] })]) {
      expect(matches(regex, 'AccountOpened')).toBe(true);
      expect(matches(regex, '$statsCollected')).toBe(false);
    }
  });
});
