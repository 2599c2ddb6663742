import { assertNever } from '../decider.ts';
import { gib } from '../rating/index.ts';
import type { UsageEvent } from './usage-events.ts';
import { dateTimeFormatPerZone } from '../shared/intl-formats.ts';

/**
 * A period's usage day by day, in the account's time zone, for the portal's charts: per bucket
 * and in total, the bytes stored at the day's last storage sample (held from the day before
 * when the day has none; zero before the period's first) and the egress of the traffic windows
 * that start that day. Days after `asOf` are left out. GiB as decimal strings (6 places).
 */
export interface DailyUsage {
  period: string;
  timeZone: string;
  asOf: string;
  /** YYYY-MM-DD, local to the account */
  days: string[];
  buckets: DailySeries[];
  total: Omit<DailySeries, 'bucketId'>;
}

export interface DailySeries {
  bucketId: string;
  storedGib: string[];
  egressGib: string[];
}

/** en-CA writes a date as YYYY-MM-DD. */
const dayFormat = dateTimeFormatPerZone('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });

/** YYYY-MM-DD of an instant in a zone (en-CA writes dates that way). */
export function localDay(ms: number, timeZone: string): string {
  const formatter = dayFormat(timeZone);
  return formatter.format(ms);
}

/** The calendar days of a YYYY-MM period, up to `lastDay` (inclusive) when it falls within it. */
export function daysOfPeriod(period: string, lastDay: string): string[] {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const count = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const days: string[] = [];
  for (let day = 1; day <= count; day++) {
    const date = `${period}-${String(day).padStart(2, '0')}`;
    if (date > lastDay) break;
    days.push(date);
  }
  return days;
}

export function dailyUsage(input: { period: string; timeZone: string; asOf: string; events: readonly UsageEvent[] }): DailyUsage {
  const { period, timeZone, asOf } = input;
  const days = daysOfPeriod(period, localDay(Date.parse(asOf), timeZone));
  const dayIndex = new Map(days.map((day, i) => [day, i]));
  const perBucket = new Map<string, { lastSample: ({ atMs: number; bytes: bigint } | undefined)[]; egress: bigint[] }>();
  const bucket = (bucketId: string) => {
    let series = perBucket.get(bucketId);
    if (!series) perBucket.set(bucketId, (series = { lastSample: days.map(() => undefined), egress: days.map(() => 0n) }));
    return series;
  };

  for (const event of input.events) {
    switch (event.type) {
      case 'StorageMeasured': {
        const atMs = Date.parse(event.data.at);
        const i = dayIndex.get(localDay(atMs, timeZone));
        if (i === undefined) break;
        const series = bucket(event.data.bucketId);
        const bytes = BigInt(event.data.bytes);
        const last = series.lastSample[i];
        // the latest sample of the day holds; at one instant the larger, as the rating engine orders them
        if (!last || atMs > last.atMs || (atMs === last.atMs && bytes > last.bytes)) series.lastSample[i] = { atMs, bytes };
        break;
      }
      case 'TrafficMeasured': {
        const i = dayIndex.get(localDay(Date.parse(event.data.windowStart), timeZone));
        if (i === undefined) break;
        const series = bucket(event.data.bucketId);
        series.egress[i] = series.egress[i]! + BigInt(event.data.egressBytes);
        break;
      }
      default:
        assertNever(event);
    }
  }

  const totalStored = days.map(() => 0n);
  const totalEgress = days.map(() => 0n);
  const buckets = [...perBucket.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([bucketId, series]) => {
      let held = 0n;
      const stored = series.lastSample.map((sample, i) => {
        if (sample) held = sample.bytes;
        totalStored[i] = totalStored[i]! + held;
        totalEgress[i] = totalEgress[i]! + series.egress[i]!;
        return held;
      });
      return { bucketId, storedGib: stored.map(toGib), egressGib: series.egress.map(toGib) };
    });
  return { period, timeZone, asOf, days, buckets, total: { storedGib: totalStored.map(toGib), egressGib: totalEgress.map(toGib) } };
}

const toGib = (bytes: bigint) => gib(bytes).toFixed(6);

