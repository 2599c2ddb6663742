/**
 * A Prometheus sample value read as an exact whole number. Go's exposition writes floats in
 * shortest form, so any counter from a million up reads like `1.234567e+06`; going through a
 * JS number would round byte counts past 2^53. The decimal text is taken digit by digit instead.
 */
export function parseExactWholeNumber(text: string): bigint {
  const m = /^\+?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/.exec(text.trim());
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw new RangeError(`"${text}" is not a non-negative decimal number`);
  const whole = m[1] ?? '';
  const fraction = m[2] ?? '';
  const exponent = Number(m[3] ?? '0') - fraction.length;
  let digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  if (exponent >= 0) return BigInt(digits) * 10n ** BigInt(exponent);
  const cut = digits.length + exponent;
  const dropped = cut > 0 ? digits.slice(cut) : digits;
  if (/[^0]/.test(dropped)) throw new RangeError(`"${text}" is not a whole number`);
  digits = cut > 0 ? digits.slice(0, cut) : '0';
  return BigInt(digits);
}
