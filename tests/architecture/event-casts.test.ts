import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../support/source-files.ts';

/**
 * Projections, reactors and presentation (audit describers, email texts) read events through
 * their module's typed union (`bucketEvents.narrow`, `askingEvents.is`), never by casting the
 * data: a cast compiles whatever the event holds, so the compiler could no longer tell a reader
 * its case is missing or its field renamed.
 */
const root = path.resolve(import.meta.dirname, '../..');
const CHECKED = ['src/projections', 'src/reactors', 'src/presentation'];

/** Every event type name and event type alias the domain declares (`BucketRequested`, `BucketEvent`, …). */
function domainEventNames(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src/domain'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/DomainEvent<\s*'(\w+)'/g)) names.add(m[1]!);
    for (const m of text.matchAll(/export type (\w+)\s*=\s*DomainEvent</g)) names.add(m[1]!);
    for (const m of text.matchAll(/export type (\w+Event)\s*=/g)) names.add(m[1]!);
  }
  return names;
}

/** The casts of event data in one file's text; `eventNames` as domainEventNames gives them. */
export function eventDataCasts(text: string, eventNames: ReadonlySet<string>): string[] {
  // A local alias of events (`type Handled = InvoiceIssued | …`) is an event type too.
  const names = new Set(eventNames);
  for (const m of text.matchAll(/\btype (\w+)(?:<[^>]*>)?\s*=([^;]+);/g)) {
    if ([...m[2]!.matchAll(/\b[A-Z]\w*/g)].some(([name]) => eventNames.has(name))) names.add(m[1]!);
  }
  const casts: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (/\bas\s+unknown\s+as\b/.test(line)) casts.push(`${index + 1}: ${line.trim()}`);
    else if ([...line.matchAll(/\bas\s+\(?\s*([A-Z]\w*)/g)].some((m) => names.has(m[1]!))) casts.push(`${index + 1}: ${line.trim()}`);
  }
  return casts;
}

describe('projections, reactors and presentation read events through typed unions', () => {
  const eventNames = domainEventNames();

  it('knows the domain event names', () => {
    for (const name of ['BucketRequested', 'BucketEvent', 'InvoiceIssued', 'InvoiceStreamEvent', 'MemberInvited', 'ApiTokenEvent']) expect(eventNames).toContain(name);
  });

  it('finds the casts it forbids in a sample', () => {
    const sample = [
      "import type { BucketEvent, InvoiceIssued, QuotaThresholdReached } from '../domain/events.ts';",
      'type Handled = InvoiceIssued | QuotaThresholdReached;',
      'const event = { type: recorded.type, data: recorded.data } as BucketEvent;',
      "const issued = job.payload as InvoiceIssued['data'];",
      'const asking = event as unknown as Handled;',
      'const other = event as Handled;',
      'const fine = row.payload as Record<string, unknown>;',
      "const lines = JSON.stringify(rated.lines) as never;",
    ].join('\n');
    expect(eventDataCasts(sample, eventNames).map((cast) => Number(cast.split(':')[0]))).toEqual([3, 4, 5, 6]);
  });

  it('no file in src/projections, src/reactors or src/presentation casts event data', () => {
    const files = CHECKED.flatMap((dir) => sourceFiles(path.join(root, dir)));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.flatMap((file) => eventDataCasts(readFileSync(file, 'utf8'), eventNames).map((cast) => `${path.relative(root, file)}:${cast}`));
    expect(offenders).toEqual([]);
  });
});
