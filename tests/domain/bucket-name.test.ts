import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKET_NAME_RULES, bucketNameViolations, checkBucketName, type BucketNameRule } from '../../src/domain/bucket/bucket-name.ts';
import type { FieldIssue } from '../../src/domain/errors.ts';

// ---- the rules again, written independently: loops and slices, no regular expressions ------

const LETTERS_AND_DIGITS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALPHABET = `${LETTERS_AND_DIGITS}.-`;
const isLetterOrDigit = (c: string | undefined) => c !== undefined && c.length === 1 && LETTERS_AND_DIGITS.includes(c);
const isDigits = (s: string) => s.length > 0 && [...s].every((c) => c >= '0' && c <= '9');

function independentlyBroken(name: string): Set<BucketNameRule> {
  const broken = new Set<BucketNameRule>();
  if (name.length < 3 || name.length > 63) broken.add('length');
  for (const c of name) if (!ALPHABET.includes(c)) broken.add('characters');
  if (name.length > 0 && (!isLetterOrDigit(name[0]) || !isLetterOrDigit(name[name.length - 1]))) broken.add('edges');
  for (let i = 0; i + 1 < name.length; i++) {
    const pair = name[i]! + name[i + 1]!;
    if (pair === '..') broken.add('adjacent_dots');
    if (pair === '.-' || pair === '-.') broken.add('dot_next_to_hyphen');
  }
  const parts = name.split('.');
  if (parts.length === 4 && parts.every(isDigits)) broken.add('ip_address');
  if (name.slice(0, 4) === 'xn--') broken.add('xn_prefix');
  if (name.slice(0, 7) === 'sthree-') broken.add('sthree_prefix');
  if (name.length >= 8 && name.slice(-8) === '-s3alias') broken.add('s3alias_suffix');
  if (name.length >= 7 && name.slice(-7) === '--ol-s3') broken.add('ol_s3_suffix');
  return broken;
}

// ---- a table, worked out by hand ------------------------------------------------------------

const VALID = [
  'abc',
  'a'.repeat(63),
  'my-bucket',
  'my.bucket.2026',
  'a--b', // two hyphens in a row are fine in S3
  '0123',
  '1.2.3', // three numbers: not an IP address
  '192.168.5.4a', // last part is not a number
  '1.2.3.4.5', // five numbers: not an IP address
  'xn-bucket',
  'sthree',
  'sthreebucket',
  'bucket-s3alia',
  's3alias',
  'bucket-ol-s3', // one hyphen before "ol": not the reserved suffix
  'backup.acme-2026',
];

const INVALID: [name: string, rules: BucketNameRule[]][] = [
  ['', ['length']],
  ['ab', ['length']],
  ['a'.repeat(64), ['length']],
  ['my-Bucket', ['characters']],
  ['My-Bucket', ['characters', 'edges']], // an uppercase first letter is also not a lowercase letter or digit
  ['my_bucket', ['characters']],
  ['bücket', ['characters']],
  ['my bucket', ['characters']],
  ['-bucket', ['edges']],
  ['bucket-', ['edges']],
  ['.bucket', ['edges']],
  ['bucket.', ['edges']],
  ['my..bucket', ['adjacent_dots']],
  ['my.-bucket', ['dot_next_to_hyphen']],
  ['my-.bucket', ['dot_next_to_hyphen']],
  ['192.168.5.4', ['ip_address']],
  ['999.999.999.999', ['ip_address']], // formatted as one, whatever the values
  ['xn--bucket', ['xn_prefix']],
  ['sthree-bucket', ['sthree_prefix']],
  ['bucket-s3alias', ['s3alias_suffix']],
  ['bucket--ol-s3', ['ol_s3_suffix']],
  // several at once, each named
  ['-A', ['length', 'characters', 'edges']],
  ['xn--a..b-s3alias', ['adjacent_dots', 'xn_prefix', 's3alias_suffix']],
  ['sthree-.', ['edges', 'dot_next_to_hyphen', 'sthree_prefix']],
];

describe('bucket names', () => {
  it.each(VALID)('accepts %j', (name) => {
    expect(bucketNameViolations(name)).toEqual([]);
  });

  it.each(INVALID)('refuses %j, naming %j', (name, rules) => {
    expect(bucketNameViolations(name)).toEqual(rules);
  });

  it('the table agrees with the independent checks', () => {
    for (const name of VALID) expect(independentlyBroken(name).size, name).toBe(0);
    for (const [name, rules] of INVALID) expect([...independentlyBroken(name)].sort(), name).toEqual([...rules].sort());
  });

  it('explains each broken rule at the given path', () => {
    const issues: FieldIssue[] = [];
    checkBucketName('xn--a..b', 'body.name', issues);
    expect(issues).toEqual([
      { path: 'body.name', message: 'must not contain two dots in a row' },
      { path: 'body.name', message: 'must not start with "xn--" (reserved for internationalized domain names)' },
    ]);
    expect(BUCKET_NAME_RULES.ip_address).toBe('must not be formatted as an IP address (such as 192.168.5.4)');
  });

  it('accepts exactly the names that pass every independently checked rule', () => {
    // Mostly the allowed alphabet, with a few characters that are not, at every length around the limits.
    const unit = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...ALPHABET) }, { weight: 1, arbitrary: fc.constantFrom('A', '_', ' ', 'é', '/') });
    let accepted = 0;
    fc.assert(
      fc.property(fc.string({ unit, minLength: 0, maxLength: 70 }), (name) => {
        const violations = bucketNameViolations(name);
        if (violations.length === 0) accepted++;
        expect(new Set(violations)).toEqual(independentlyBroken(name));
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: a fair share of the names generated were valid.
    expect(accepted).toBeGreaterThan(100);
  });

  it('refuses a valid name changed to break exactly one rule, naming that rule', () => {
    const segment = fc.string({ unit: fc.constantFrom(...LETTERS_AND_DIGITS), minLength: 1, maxLength: 8 });
    const separator = fc.constantFrom('-', '.', '--');
    // Letter-or-digit runs joined by single dots, hyphens or double hyphens: always valid when 3 to 63 long.
    const validName = fc
      .tuple(segment, fc.array(fc.tuple(separator, segment), { maxLength: 5 }))
      .map(([first, rest]) => first + rest.map(([sep, seg]) => sep + seg).join(''))
      .filter((name) => name.length >= 3 && independentlyBroken(name).size === 0);
    const octet = fc.integer({ min: 0, max: 999 }).map(String);

    const breakers: Record<BucketNameRule, fc.Arbitrary<string>> = {
      length: fc.oneof(
        fc.string({ unit: fc.constantFrom(...LETTERS_AND_DIGITS), minLength: 1, maxLength: 2 }),
        fc.string({ unit: fc.constantFrom(...LETTERS_AND_DIGITS), minLength: 64, maxLength: 100 }),
      ),
      characters: fc.tuple(validName, fc.constantFrom('A', 'Z', '_', ' ', 'ç', '/', '+'), fc.nat()).map(([name, bad, at]) => {
        const i = 1 + (at % (name.length - 1));
        return name.slice(0, i) + bad + name.slice(i);
      }),
      edges: fc.tuple(validName, fc.constantFrom('-', '.'), fc.boolean()).map(([name, edge, atStart]) => (atStart ? edge + name : name + edge)),
      adjacent_dots: fc.tuple(segment, segment).map(([a, b]) => `${a}..${b}`),
      dot_next_to_hyphen: fc.tuple(segment, fc.constantFrom('.-', '-.'), segment).map(([a, pair, b]) => a + pair + b),
      ip_address: fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.')),
      xn_prefix: validName.map((name) => `xn--${name}`),
      sthree_prefix: validName.map((name) => `sthree-${name}`),
      s3alias_suffix: validName.map((name) => `${name}-s3alias`),
      ol_s3_suffix: validName.map((name) => `${name}--ol-s3`),
    };
    const rules = Object.keys(breakers) as BucketNameRule[];
    expect(rules.sort()).toEqual(Object.keys(BUCKET_NAME_RULES).sort());

    for (const rule of rules) {
      fc.assert(
        fc.property(breakers[rule], (name) => {
          // Keep the names that break this rule and no other (a long prefix can also break the length, say).
          fc.pre(independentlyBroken(name).size === 1 && independentlyBroken(name).has(rule));
          expect(bucketNameViolations(name)).toEqual([rule]);
        }),
        { numRuns: 200 },
      );
    }
  });
});
