import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTaxDocument, parseTaxDocument } from '../../src/domain/account/tax-document.ts';
import type { TaxDocument, TaxDocumentProblem } from '../../src/domain/account/tax-document.ts';

/*
 * Reference check digits, computed differently from the implementation so the two can
 * disagree:
 *  - a character's value is its index in VALUE_OF (the implementation uses char code − 48);
 *  - weights are generated as 2, 3, 4, … from the rightmost character, restarting at 2
 *    after `maxWeight` (9 for CNPJ, never for CPF), instead of fixed weight tables;
 *  - the digit is (10 · sum mod 11) mod 10, the other classic form of the rule: with
 *    r = sum mod 11, 10 · sum ≡ −r, so this gives 0 for r = 0, 10 mod 10 = 0 for r = 1,
 *    and 11 − r for r ≥ 2, the same as "r < 2 → 0 else 11 − r".
 * The hand-worked examples below pin both to the published rule.
 */
const VALUE_OF = '0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ'; // '0' → 0 … '9' → 9, 'A' → 17 … 'Z' → 42

function referenceCheckDigit(chars: string, maxWeight: number): string {
  let sum = 0;
  let weight = 2;
  for (let i = chars.length - 1; i >= 0; i--) {
    sum += VALUE_OF.indexOf(chars.charAt(i)) * weight;
    weight = weight === maxWeight ? 2 : weight + 1;
  }
  return String(((sum * 10) % 11) % 10);
}

function withCheckDigits(base: string, maxWeight: number): string {
  const first = referenceCheckDigit(base, maxWeight);
  return base + first + referenceCheckDigit(base + first, maxWeight);
}
const cpfWithCheckDigits = (base9: string) => withCheckDigits(base9, Number.POSITIVE_INFINITY);
const cnpjWithCheckDigits = (base12: string) => withCheckDigits(base12, 9);

const DIGITS = '0123456789';
const CNPJ_BASE_CHARACTERS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const notAllSame = (s: string) => [...s].some((c) => c !== s[0]);
const cpfBase = fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 9, maxLength: 9 }).filter(notAllSame);
const cnpjBase = fc
  .string({ unit: fc.constantFrom(...CNPJ_BASE_CHARACTERS), minLength: 12, maxLength: 12 })
  .filter(notAllSame);
const numericCnpjBase = fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 12, maxLength: 12 }).filter(notAllSame);

const validCpf = cpfBase.map((base): TaxDocument => ({ kind: 'cpf', number: cpfWithCheckDigits(base) }));
const validCnpj = fc
  .oneof(cnpjBase, numericCnpjBase)
  .map((base): TaxDocument => ({ kind: 'cnpj', number: cnpjWithCheckDigits(base) }));
const validDocument = fc.oneof(validCpf, validCnpj);

function expectProblem(input: string, problem: TaxDocumentProblem, message?: RegExp) {
  const result = parseTaxDocument(input);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.problem).toBe(problem);
  expect(result.message.length).toBeGreaterThan(0);
  if (message) expect(result.message).toMatch(message);
}

function expectValid(input: string, document: TaxDocument) {
  expect(parseTaxDocument(input)).toEqual({ ok: true, document });
}

describe('parseTaxDocument: worked examples', () => {
  it('accepts the CPF 529.982.247-25', () => {
    // digits 5 2 9 9 8 2 2 4 7, weights 10..2:
    //   50 + 18 + 72 + 63 + 48 + 10 + 8 + 12 + 14 = 295; 295 mod 11 = 9 → 11 − 9 = 2
    // digits 5 2 9 9 8 2 2 4 7 2, weights 11..2:
    //   55 + 20 + 81 + 72 + 56 + 12 + 10 + 16 + 21 + 4 = 347; 347 mod 11 = 6 → 11 − 6 = 5
    expectValid('529.982.247-25', { kind: 'cpf', number: '52998224725' });
    expectValid('52998224725', { kind: 'cpf', number: '52998224725' });
    expectValid(' 529 982 247 25 ', { kind: 'cpf', number: '52998224725' });
    expect(cpfWithCheckDigits('529982247')).toBe('52998224725');
  });

  it('accepts the CPF 123.456.789-09, whose first remainder is 1', () => {
    // 1..9 × 10..2 = 10 + 18 + 24 + 28 + 30 + 30 + 28 + 24 + 18 = 210; 210 mod 11 = 1 → 0
    // 1..9,0 × 11..2 = 11 + 20 + 27 + 32 + 35 + 36 + 35 + 32 + 27 + 0 = 255; 255 mod 11 = 2 → 9
    expectValid('123.456.789-09', { kind: 'cpf', number: '12345678909' });
    expect(cpfWithCheckDigits('123456789')).toBe('12345678909');
  });

  it("accepts the Receita Federal's alphanumeric example 12.ABC.345/01DE-35", () => {
    // values 1 2 A=17 B=18 C=19 3 4 5 0 1 D=20 E=21
    // first, weights 5 4 3 2 9 8 7 6 5 4 3 2:
    //   5 + 8 + 51 + 36 + 171 + 24 + 28 + 30 + 0 + 4 + 60 + 42 = 459; 459 mod 11 = 8 → 11 − 8 = 3
    // second, the same values then 3, weights 6 5 4 3 2 9 8 7 6 5 4 3 2:
    //   6 + 10 + 68 + 54 + 38 + 27 + 32 + 35 + 0 + 5 + 80 + 63 + 6 = 424; 424 mod 11 = 6 → 11 − 6 = 5
    expectValid('12.ABC.345/01DE-35', { kind: 'cnpj', number: '12ABC34501DE35' });
    expectValid('12.abc.345/01de-35', { kind: 'cnpj', number: '12ABC34501DE35' });
    expectValid('12ABC34501DE35', { kind: 'cnpj', number: '12ABC34501DE35' });
    expect(cnpjWithCheckDigits('12ABC34501DE')).toBe('12ABC34501DE35');
  });

  it('accepts the numeric CNPJs 11.222.333/0001-81 and 12.345.678/0001-95', () => {
    // 1 1 2 2 2 3 3 3 0 0 0 1 × 5 4 3 2 9 8 7 6 5 4 3 2
    //   = 5 + 4 + 6 + 4 + 18 + 24 + 21 + 18 + 0 + 0 + 0 + 2 = 102; 102 mod 11 = 3 → 8
    // … 1 8 × 6 5 4 3 2 9 8 7 6 5 4 3 2
    //   = 6 + 5 + 8 + 6 + 4 + 27 + 24 + 21 + 0 + 0 + 0 + 3 + 16 = 120; 120 mod 11 = 10 → 1
    expectValid('11.222.333/0001-81', { kind: 'cnpj', number: '11222333000181' });
    // 1 2 3 4 5 6 7 8 0 0 0 1: 5+8+9+8+45+48+49+48+0+0+0+2 = 222; mod 11 = 2 → 9
    // then with 9: 6+10+12+12+10+54+56+56+0+0+0+3+18 = 237; mod 11 = 6 → 5
    expectValid('12.345.678/0001-95', { kind: 'cnpj', number: '12345678000195' });
    expect(cnpjWithCheckDigits('112223330001')).toBe('11222333000181');
    expect(cnpjWithCheckDigits('123456780001')).toBe('12345678000195');
  });

  it('uppercases only ASCII letters, so look-alikes such as "ı" are rejected', () => {
    // 12.IBC.345/01DE: I = 25 replaces A = 17 at weight 3 (first) / 4 (second):
    //   first: 459 + 8·3 = 483; 483 mod 11 = 10 → 1
    //   second: 424 − 3·2 (old first digit) + 8·4 + 1·2 = 452; 452 mod 11 = 1 → 0
    expectValid('12.iBC.345/01de-10', { kind: 'cnpj', number: '12IBC34501DE10' });
    // 'ı'.toUpperCase() === 'I', but it is not a letter a CNPJ may hold
    expect('ı'.toUpperCase()).toBe('I');
    expectProblem('12.ıBC.345/01DE-10', 'bad_characters');
    expectProblem('12.ABC.345/01DÉ-35', 'bad_characters');
  });
});

describe('parseTaxDocument: each problem', () => {
  it('empty', () => {
    expectProblem('', 'empty');
    expectProblem('   ', 'empty');
    expectProblem(' ./- \t', 'empty');
  });

  it('bad_length', () => {
    expectProblem('1234', 'bad_length', /\b4\b/);
    expectProblem('529.982.247-2', 'bad_length', /\b10\b/); // 10 digits
    expectProblem('123456789012', 'bad_length', /\b12\b/);
    expectProblem('12.ABC.345/01DE-351', 'bad_length', /\b15\b/);
    expectProblem('abc', 'bad_length');
  });

  it('bad_characters', () => {
    expectProblem('529_982_247_25', 'bad_characters');
    expectProblem('529,982,247-25', 'bad_characters');
    expectProblem('529.982.247-2X', 'bad_characters', /CPF/); // 11 characters: a CPF, digits only
    expectProblem('12.ABC.345/01DE-3A', 'bad_characters', /check digits/); // CNPJ check digits are numeric
    expectProblem('AAAAAAAAAAAAAA', 'bad_characters'); // before the repeated-character rule
  });

  it('repeated_digits, although every repeated-digit CPF has matching check digits', () => {
    for (const d of DIGITS) {
      const number = d.repeat(11);
      // the rule, not the checksum, is what rejects these
      expect(cpfWithCheckDigits(d.repeat(9))).toBe(number);
      expectProblem(number, 'repeated_digits', /CPF/);
    }
    expectProblem('111.111.111-11', 'repeated_digits');
    // all sums are 0, so 00000000000000 even has matching check digits
    expect(cnpjWithCheckDigits('0'.repeat(12))).toBe('0'.repeat(14));
    expectProblem('00.000.000/0000-00', 'repeated_digits', /CNPJ/);
    expectProblem('11.111.111/1111-11', 'repeated_digits', /CNPJ/);
  });

  it('bad_check_digits, without echoing the number', () => {
    expectProblem('529.982.247-26', 'bad_check_digits', /^CPF check digits do not match/);
    expectProblem('529.982.247-15', 'bad_check_digits', /^CPF check digits do not match/);
    expectProblem('11.222.333/0001-82', 'bad_check_digits', /^CNPJ check digits do not match/);
    expectProblem('12.ABC.345/01DE-36', 'bad_check_digits', /^CNPJ check digits do not match/);
    expectProblem('12.ABC.345/01DE-53', 'bad_check_digits', /^CNPJ check digits do not match/);
    const result = parseTaxDocument('529.982.247-26');
    expect(result.ok || result.message.includes('529')).toBe(false);
  });
});

describe('formatTaxDocument', () => {
  it('punctuates CPFs and CNPJs', () => {
    expect(formatTaxDocument({ kind: 'cpf', number: '12345678909' })).toBe('123.456.789-09');
    expect(formatTaxDocument({ kind: 'cnpj', number: '12345678000195' })).toBe('12.345.678/0001-95');
    expect(formatTaxDocument({ kind: 'cnpj', number: '12ABC34501DE35' })).toBe('12.ABC.345/01DE-35');
  });

  it('refuses a number of the wrong length for its kind', () => {
    expect(() => formatTaxDocument({ kind: 'cpf', number: '12345678000195' })).toThrow(RangeError);
    expect(() => formatTaxDocument({ kind: 'cnpj', number: '12345678909' })).toThrow(RangeError);
  });
});

describe('properties', () => {
  it('a random base with its check digits appended is valid, and format → parse round-trips', () => {
    fc.assert(
      fc.property(validDocument, fc.boolean(), (document, lowercase) => {
        expect(parseTaxDocument(document.number)).toEqual({ ok: true, document });
        const formatted = formatTaxDocument(document);
        expect(formatted).toMatch(
          document.kind === 'cpf' ? /^\d{3}\.\d{3}\.\d{3}-\d{2}$/ : /^[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}\/[0-9A-Z]{4}-\d{2}$/,
        );
        expect(parseTaxDocument(lowercase ? formatted.toLowerCase() : formatted)).toEqual({ ok: true, document });
      }),
      { numRuns: 500 },
    );
  });

  it('punctuation anywhere is ignored', () => {
    const separator = fc.constantFrom('', '', '.', '/', '-', ' ', '\t');
    fc.assert(
      fc.property(validDocument, fc.array(separator, { minLength: 15, maxLength: 15 }), (document, separators) => {
        const spaced = [...document.number].map((c, i) => (separators[i] ?? '') + c).join('') + (separators[14] ?? '');
        expect(parseTaxDocument(spaced)).toEqual({ ok: true, document });
      }),
    );
  });

  it('of the 100 possible check-digit pairs for a base, only the reference pair is accepted', () => {
    fc.assert(
      fc.property(fc.oneof(cpfBase, cnpjBase, numericCnpjBase), (base) => {
        const expected = base.length === 9 ? cpfWithCheckDigits(base) : cnpjWithCheckDigits(base);
        const accepted: string[] = [];
        for (let pair = 0; pair < 100; pair++) {
          const candidate = base + String(pair).padStart(2, '0');
          if (parseTaxDocument(candidate).ok) accepted.push(candidate);
        }
        expect(accepted).toEqual([expected]);
      }),
      { numRuns: 300 },
    );
  });

  /*
   * Does mod 11 catch every single-character substitution? Not for these schemes:
   *
   *  - Changing a base character by δ (in value) changes each weighted sum by weight · δ.
   *    11 is prime and no weight is a multiple of 11 — except the CPF's leading weight 11
   *    in the second sum — so a sum's remainder changes iff δ ≢ 0 (mod 11).
   *    Digits differ by at most 9, but alphanumeric values span 0..42: '6'↔'A' (6, 17),
   *    'A'↔'L' (17, 28), '0'↔'F' (0, 22) … differ by multiples of 11, leave both sums
   *    unchanged mod 11, and so are NEVER detected: 12.ABC.345/01DE-35 and
   *    12.LBC.345/01DE-35 are both valid.
   *  - Remainders 0 and 1 both give check digit 0. If the first check digit is not 0, the
   *    remainder was one of 2..10, where r ↦ 11 − r is one-to-one and never 0, so any change
   *    of remainder changes the first check digit and the substitution is detected. If it
   *    is 0, the remainder can move 0 ↔ 1, and the second one can do the same (or, for the
   *    CPF's first position, not move at all), so the substitution slips through:
   *    123.456.789-09 → 223.456.789-09 and 11.222.333/0045-00 → 31.222.333/0045-00 are
   *    all valid.
   *  - Changing a check digit is always detected: the base still determines the correct
   *    check digits, and the changed one no longer equals its correct value.
   *
   * So the property asserts, over every single substitution of a valid document:
   * check-digit changes are detected; base changes with δ ≢ 0 (mod 11) are detected when
   * the first check digit is not 0 (always, then, for numeric-only documents); base changes
   * with δ ≡ 0 (mod 11) still pass the checksum. Base changes with δ ≢ 0 when the first
   * check digit is 0 may go either way and are covered by the examples.
   */
  it('single substitutions: detected exactly where mod 11 can detect them', () => {
    expectValid('223.456.789-09', { kind: 'cpf', number: '22345678909' });
    expectValid('31.222.333/0045-00', { kind: 'cnpj', number: '31222333004500' });
    expectValid('11.222.333/0045-00', { kind: 'cnpj', number: '11222333004500' });
    expectValid('12.LBC.345/01DE-35', { kind: 'cnpj', number: '12LBC34501DE35' });
    expectValid('12.6BC.345/01DE-35', { kind: 'cnpj', number: '126BC34501DE35' });

    let undetectedWithFirstCheckDigitZero = 0;
    fc.assert(
      fc.property(validDocument, ({ kind, number }) => {
        const baseLength = kind === 'cpf' ? 9 : 12;
        const firstCheckDigit = number.charAt(baseLength);
        for (let position = 0; position < number.length; position++) {
          const allowed = position < baseLength && kind === 'cnpj' ? CNPJ_BASE_CHARACTERS : DIGITS;
          const original = number.charAt(position);
          for (const replacement of allowed) {
            if (replacement === original) continue;
            const mutated = number.slice(0, position) + replacement + number.slice(position + 1);
            const result = parseTaxDocument(mutated);
            const delta = VALUE_OF.indexOf(replacement) - VALUE_OF.indexOf(original);
            if (position >= baseLength) {
              expect(result.ok, mutated).toBe(false);
            } else if (delta % 11 === 0) {
              // checksum still passes; only the repeated-character rule could reject it
              expect(result.ok || result.problem === 'repeated_digits', mutated).toBe(true);
            } else if (firstCheckDigit !== '0') {
              expect(result.ok, mutated).toBe(false);
            } else if (result.ok) {
              undetectedWithFirstCheckDigitZero++;
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    // ~2 in 11 documents have first check digit 0, and some of their substitutions slip
    // through; with 300 documents this is as good as certain to have happened.
    expect(undetectedWithFirstCheckDigitZero).toBeGreaterThan(0);
  });

  it('never throws on arbitrary strings, and answers in the documented shape', () => {
    const problems: readonly string[] = ['empty', 'bad_length', 'bad_characters', 'repeated_digits', 'bad_check_digits'];
    const nearlyDocuments = fc.string({
      unit: fc.constantFrom(...'0123456789ABCDEZabcdez./- \t_ıſÉ'),
      maxLength: 20,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string(), nearlyDocuments), (input) => {
        const result = parseTaxDocument(input);
        if (result.ok) {
          const { kind, number } = result.document;
          expect(number).toMatch(kind === 'cpf' ? /^\d{11}$/ : /^[0-9A-Z]{12}\d{2}$/);
          expect(parseTaxDocument(formatTaxDocument(result.document))).toEqual(result);
        } else {
          expect(problems).toContain(result.problem);
          expect(typeof result.message).toBe('string');
          expect(result.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
