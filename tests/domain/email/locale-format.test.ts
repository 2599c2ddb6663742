import { describe, expect, it } from 'vitest';
import { formatDate, formatGiB, formatInstant, formatMoney, formatPeriod, isZeroAmount } from '../../../src/presentation/email/locale-format.ts';
import { escapeHtml, html } from '../../../src/presentation/email/html.ts';

describe('money', () => {
  it('is written R$ 57,59 in pt-BR and BRL 57.59 in English, with plain spaces', () => {
    expect(formatMoney('57.59', 'BRL', 'pt-BR')).toBe('R$ 57,59');
    expect(formatMoney('57.59', 'BRL', 'en')).toBe('BRL 57.59');
    expect(formatMoney('1234.5', 'USD', 'en')).toBe('USD 1,234.50');
    expect(formatMoney('0', 'EUR', 'pt-BR')).toBe('€ 0,00');
    expect(formatMoney('-0.25', 'BRL', 'pt-BR')).toBe('-R$ 0,25');
  });

  it('stays exact past what a JS number holds', () => {
    // 2^53 + 1 = 9007199254740993, which a double would print as …992
    expect(formatMoney('9007199254740993.01', 'BRL', 'pt-BR')).toBe('R$ 9.007.199.254.740.993,01');
    expect(formatMoney('9007199254740993.01', 'BRL', 'en')).toBe('BRL 9,007,199,254,740,993.01');
  });

  it('refuses an amount with more digits than the minor unit, or not a decimal string', () => {
    expect(() => formatMoney('57.595', 'BRL', 'pt-BR')).toThrow(RangeError);
    expect(() => formatMoney('5e3', 'BRL', 'pt-BR')).toThrow(TypeError);
    expect(() => formatMoney('', 'BRL', 'pt-BR')).toThrow(TypeError);
  });

  it('knows a zero amount by its digits', () => {
    expect(['0', '0.00', '-0.00', '000.0'].map(isZeroAmount)).toEqual([true, true, true, true]);
    expect(['0.01', '-0.01', '10'].map(isZeroAmount)).toEqual([false, false, false]);
  });
});

describe('dates', () => {
  it('writes a calendar date as given, whatever the zone', () => {
    expect(formatDate('2026-07-10', 'pt-BR')).toBe('10/07/2026');
    expect(formatDate('2026-07-10', 'en')).toBe('Jul 10, 2026');
    expect(formatDate('2026-01-01', 'pt-BR')).toBe('01/01/2026');
  });

  it('writes an instant in the account zone and names the zone', () => {
    // 02:30 UTC on the 1st is 23:30 on the 31st in São Paulo (UTC−3) and 11:30 on the 1st in Tokyo (UTC+9)
    expect(formatInstant('2026-08-01T02:30:00Z', 'America/Sao_Paulo', 'pt-BR')).toBe('31/07/2026, 23:30 (America/Sao_Paulo)');
    expect(formatInstant('2026-08-01T02:30:00Z', 'Asia/Tokyo', 'en')).toBe('Aug 1, 2026, 11:30 AM (Asia/Tokyo)');
  });

  it('names a billing period by its month', () => {
    expect(formatPeriod('2026-06', 'pt-BR')).toBe('junho de 2026');
    expect(formatPeriod('2026-12', 'en')).toBe('December 2026');
  });
});

describe('GiB', () => {
  it('divides bytes exactly and shows two decimals', () => {
    // 1,610,612,736 B = 1.5 × 2^30
    expect(formatGiB('1610612736', 'pt-BR')).toBe('1,50');
    // 2^63 B = 2^33 GiB = 8,589,934,592 GiB
    expect(formatGiB('9223372036854775808', 'en')).toBe('8,589,934,592.00');
  });
});

describe('html', () => {
  it('escapes interpolated strings and keeps nested html as markup', () => {
    const name = `<img src=x onerror="alert('x')">&`;
    expect(escapeHtml(name)).toBe('&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;');
    expect(html`<p title="${name}">${[html`<b>${name}</b>`, name]}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;"><b>&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</b>&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</p>',
    );
  });
});
