/**
 * Brazilian taxpayer documents: the CPF (people) and the CNPJ (companies).
 *
 * Pure: no I/O, no clock, nothing thrown by parsing.
 *
 * Input may carry the usual punctuation (dots, slash, hyphen, whitespace), which is
 * stripped wherever it appears; ASCII lowercase letters are uppercased. What remains
 * decides the kind: 11 characters is a CPF, 14 is a CNPJ.
 *
 * CPF: 9 digits then 2 mod-11 check digits (weights 10..2, then 11..2 over the 9 digits
 * plus the first check digit).
 *
 * CNPJ: the alphanumeric CNPJ of IN RFB 2.229/2024 (issued from July 2026). The first 12
 * positions are digits or uppercase letters A–Z, the last 2 are numeric check digits.
 * Each character counts as its ASCII code minus 48 ('0'..'9' → 0..9, 'A' → 17 … 'Z' → 42);
 * the weights are 5,4,3,2,9,8,7,6,5,4,3,2 for the first check digit and
 * 6,5,4,3,2,9,8,7,6,5,4,3,2 for the second. A numeric-only CNPJ is the special case where
 * every character is a digit, so every CNPJ valid before 2026 stays valid.
 *
 * For both: remainder < 2 → check digit 0, otherwise 11 − remainder. Numbers made of one
 * repeated character are rejected even when their check digits work out (every
 * repeated-digit CPF does).
 *
 * Messages never echo the number: a CPF is personal data and messages end up in logs.
 */

export type TaxDocumentKind = 'cpf' | 'cnpj';

/** `number` is normalized: a CPF is 11 digits; a CNPJ is 14 characters, letters uppercase. */
export type TaxDocument = { kind: TaxDocumentKind; number: string };

export type TaxDocumentProblem = 'empty' | 'bad_length' | 'bad_characters' | 'repeated_digits' | 'bad_check_digits';

export type ParseTaxDocumentResult =
  | { ok: true; document: TaxDocument }
  | { ok: false; problem: TaxDocumentProblem; message: string };

const CPF_LENGTH = 11;
const CNPJ_LENGTH = 14;

const CPF_FIRST_WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CPF_SECOND_WEIGHTS = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CNPJ_FIRST_WEIGHTS = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CNPJ_SECOND_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** dots, slash, hyphen and any whitespace */
const PUNCTUATION = /[./\-\s]/g;
const ASCII_LOWERCASE = /[a-z]/g;
const ALPHANUMERIC = /^[0-9A-Z]+$/;
const CPF_SHAPE = /^[0-9]{11}$/;
const CNPJ_SHAPE = /^[0-9A-Z]{12}[0-9]{2}$/;

/**
 * The number without its punctuation, ASCII letters uppercased: how a parsed document's
 * `number` is written, so a number typed in any formatting compares with stored ones.
 */
export function compactTaxDocument(input: string): string {
  // Only ASCII a–z are uppercased: String#toUpperCase would also turn e.g. 'ı' into 'I'
  // and 'ſ' into 'S', letting look-alike characters through.
  return input.replace(PUNCTUATION, '').replace(ASCII_LOWERCASE, (letter) => letter.toUpperCase());
}

export function parseTaxDocument(input: string): ParseTaxDocumentResult {
  const compact = compactTaxDocument(input);

  if (compact.length === 0) {
    return problem('empty', 'No CPF or CNPJ number was given.');
  }
  if (!ALPHANUMERIC.test(compact)) {
    return problem(
      'bad_characters',
      'A CPF or CNPJ may contain only digits, letters (CNPJ only) and the punctuation ". / -" or spaces.',
    );
  }

  if (compact.length === CPF_LENGTH) {
    if (!CPF_SHAPE.test(compact)) {
      return problem('bad_characters', 'An 11-character number is read as a CPF, and a CPF may contain only digits.');
    }
    if (allSameCharacter(compact)) {
      return problem('repeated_digits', 'A CPF cannot consist of one digit repeated 11 times.');
    }
    const first = checkDigit(compact, CPF_FIRST_WEIGHTS);
    const second = checkDigit(compact, CPF_SECOND_WEIGHTS);
    if (digitAt(compact, 9) !== first || digitAt(compact, 10) !== second) {
      return problem('bad_check_digits', 'CPF check digits do not match.');
    }
    return { ok: true, document: { kind: 'cpf', number: compact } };
  }

  if (compact.length === CNPJ_LENGTH) {
    if (!CNPJ_SHAPE.test(compact)) {
      return problem('bad_characters', 'The last two characters of a CNPJ are its check digits and must be digits.');
    }
    if (allSameCharacter(compact)) {
      return problem('repeated_digits', 'A CNPJ cannot consist of one character repeated 14 times.');
    }
    const first = checkDigit(compact, CNPJ_FIRST_WEIGHTS);
    const second = checkDigit(compact, CNPJ_SECOND_WEIGHTS);
    if (digitAt(compact, 12) !== first || digitAt(compact, 13) !== second) {
      return problem('bad_check_digits', 'CNPJ check digits do not match.');
    }
    return { ok: true, document: { kind: 'cnpj', number: compact } };
  }

  return problem(
    'bad_length',
    `A CPF has 11 digits and a CNPJ 14 characters (punctuation aside), but ${compact.length} were given.`,
  );
}

/**
 * 123.456.789-09 for a CPF, 12.345.678/0001-95 or 12.ABC.345/01DE-35 for a CNPJ.
 * Throws a RangeError if `number` has the wrong length for `kind` (not a parsed document).
 */
export function formatTaxDocument(document: TaxDocument): string {
  const n = document.number;
  if (document.kind === 'cpf') {
    if (n.length !== CPF_LENGTH) throw new RangeError(`A CPF number has ${CPF_LENGTH} characters, not ${n.length}.`);
    return `${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6, 9)}-${n.slice(9, 11)}`;
  }
  if (n.length !== CNPJ_LENGTH) throw new RangeError(`A CNPJ number has ${CNPJ_LENGTH} characters, not ${n.length}.`);
  return `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5, 8)}/${n.slice(8, 12)}-${n.slice(12, 14)}`;
}

/**
 * Mod-11 check digit over the first `weights.length` characters of `chars`, each worth its
 * ASCII code minus 48 (so digits are themselves and 'A'..'Z' are 17..42).
 */
function checkDigit(chars: string, weights: readonly number[]): number {
  let sum = 0;
  weights.forEach((weight, index) => {
    sum += (chars.charCodeAt(index) - 48) * weight;
  });
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

function digitAt(chars: string, index: number): number {
  return chars.charCodeAt(index) - 48;
}

function allSameCharacter(chars: string): boolean {
  return [...chars].every((c) => c === chars[0]);
}

function problem(kind: TaxDocumentProblem, message: string): ParseTaxDocumentResult {
  return { ok: false, problem: kind, message };
}
