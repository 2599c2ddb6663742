/**
 * The one error model. Every rule a command breaks surfaces as one of these five kinds;
 * the API maps kinds to HTTP statuses in one place (src/api/problem.ts). `code` is a
 * stable, machine-readable string clients may branch on; `message` is for people.
 */
export type ErrorKind = 'validation' | 'not_found' | 'conflict' | 'forbidden' | 'illegal_state';

export interface FieldIssue {
  /** where the bad value is, e.g. `body.billingEmail` or `body.document` */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    readonly issues: readonly FieldIssue[],
    code = 'validation_failed',
    message = `invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
  ) {
    super(code, message);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

export class IllegalStateError extends DomainError {
  readonly kind = 'illegal_state';
}
