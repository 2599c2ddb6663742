/**
 * Intl formatters kept per locale and options (the zone among them), built once.
 *
 * Why: each formatter is an ICU object of tens of kilobytes outside the JS heap. Built per
 * call (every notification, explanation line and zone check did), they piled up unseen by the
 * collector's sizing, and the next full collection freed thousands of them at once: the event
 * loop stood still for 300 ms and more while ICU ran their destructors, which was the read
 * API's p99 under load (docs/performance.md). Locales, zones and option sets are a handful;
 * keys typed by users (a zone in any letter case) cannot grow a cache past MAX_ENTRIES.
 */
const MAX_ENTRIES = 500;

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function remembered<F>(cache: Map<string, F>, key: string, build: () => F): F {
  let format = cache.get(key);
  if (format === undefined) {
    // Built before it is kept: a constructor that throws (an unknown zone) leaves nothing.
    format = build();
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, format);
  }
  return format;
}

/** `new Intl.DateTimeFormat(locale, options)`, shared; it throws as that does (RangeError for an unknown zone). */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return remembered(dateTimeFormats, `${locale}\u0000${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

/** `new Intl.NumberFormat(locale, options)`, shared; it throws as that does (RangeError for an unknown currency). */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return remembered(numberFormats, `${locale}\u0000${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}

/**
 * One formatter per zone for a fixed locale and option set, keyed by the zone alone: for
 * callers on a hot path (a chart's day per usage sample), where building the full key on every
 * call cost more than the formatting.
 */
export function dateTimeFormatPerZone(locale: string, options: Omit<Intl.DateTimeFormatOptions, 'timeZone'>): (timeZone: string) => Intl.DateTimeFormat {
  const byZone = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => remembered(byZone, timeZone, () => new Intl.DateTimeFormat(locale, { ...options, timeZone }));
}
