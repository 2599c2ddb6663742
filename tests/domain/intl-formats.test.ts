import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateTimeFormat, dateTimeFormatPerZone, numberFormat } from '../../src/domain/shared/intl-formats.ts';
import { formatInstant, formatMoney } from '../../src/presentation/email/locale-format.ts';

const zone = fc.constantFrom('UTC', 'America/Sao_Paulo', 'Europe/Lisbon', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns');
const locale = fc.constantFrom('pt-BR', 'en');
const instantMs = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) });

describe('shared Intl formatters', () => {
  it('hands out one formatter per locale and option set, and another for another zone', () => {
    const lisbon = dateTimeFormat('en-CA', { timeZone: 'Europe/Lisbon', year: 'numeric', month: '2-digit', day: '2-digit' });
    expect(dateTimeFormat('en-CA', { timeZone: 'Europe/Lisbon', year: 'numeric', month: '2-digit', day: '2-digit' })).toBe(lisbon);
    expect(dateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' })).not.toBe(lisbon);
    expect(dateTimeFormat('pt-BR', { timeZone: 'Europe/Lisbon', year: 'numeric', month: '2-digit', day: '2-digit' })).not.toBe(lisbon);
    expect(numberFormat('pt-BR', { style: 'currency', currency: 'BRL' })).toBe(numberFormat('pt-BR', { style: 'currency', currency: 'BRL' }));
    expect(numberFormat('pt-BR', { style: 'currency', currency: 'USD' })).not.toBe(numberFormat('pt-BR', { style: 'currency', currency: 'BRL' }));
  });

  it('formats exactly as a formatter built for the call does', () => {
    fc.assert(
      fc.property(locale, zone, instantMs, (lang, timeZone, ms) => {
        const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short', timeZone };
        expect(dateTimeFormat(lang, options).format(ms)).toBe(new Intl.DateTimeFormat(lang, options).format(ms));
      }),
    );
  });

  it('per zone: one formatter for each zone of a fixed option set, formatting as one built for the call', () => {
    const dayIn = dateTimeFormatPerZone('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
    expect(dayIn('Asia/Tokyo')).toBe(dayIn('Asia/Tokyo'));
    expect(dayIn('Asia/Tokyo')).not.toBe(dayIn('America/Sao_Paulo'));
    // 2026-07-01 02:00 UTC: already the 1st in Tokyo (UTC+9), still June 30th in São Paulo (UTC-3)
    expect(dayIn('Asia/Tokyo').format(Date.UTC(2026, 6, 1, 2))).toBe('2026-07-01');
    expect(dayIn('America/Sao_Paulo').format(Date.UTC(2026, 6, 1, 2))).toBe('2026-06-30');
    expect(() => dayIn('Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('refuses an unknown zone every time, keeping nothing for it', () => {
    expect(() => dateTimeFormat('en-US', { timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
    expect(() => dateTimeFormat('en-US', { timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
    expect(() => numberFormat('en', { style: 'currency', currency: 'NOT-A-CODE' })).toThrow(RangeError);
  });

  it('keeps answering right after more distinct keys than it keeps', () => {
    const first = dateTimeFormat('en-US', { timeZone: 'America/Sao_Paulo', hour: 'numeric' });
    // Zones in other letter cases are distinct keys, as a user might type them.
    const spellings = Array.from({ length: 600 }, (_, i) => 'america/sao_paulo'.replace(/[a-z]/g, (c, at: number) => ((i >> at) & 1 ? c.toUpperCase() : c)));
    for (const timeZone of spellings) expect(dateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone).toBe('America/Sao_Paulo');
    const again = dateTimeFormat('en-US', { timeZone: 'America/Sao_Paulo', hour: 'numeric' });
    expect(again.format(Date.UTC(2026, 6, 1, 15))).toBe(first.format(Date.UTC(2026, 6, 1, 15)));
  });

  it('leaves the texts built on it unchanged (figures worked out by hand)', () => {
    expect(formatMoney('57.59', 'BRL', 'pt-BR')).toBe('R$ 57,59');
    expect(formatMoney('57.59', 'BRL', 'en')).toBe('BRL 57.59');
    // 2026-07-12 17:30 UTC is 14:30 in São Paulo (UTC-3, no summer time since 2019).
    expect(formatInstant('2026-07-12T17:30:00Z', 'America/Sao_Paulo', 'pt-BR')).toBe('12/07/2026, 14:30 (America/Sao_Paulo)');
  });
});
