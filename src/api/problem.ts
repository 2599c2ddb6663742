import { z } from 'zod';
import { DomainError, ValidationError, type ErrorKind, type FieldIssue } from '../domain/errors.ts';
import { ConcurrencyError } from '../ports/event-store.ts';

/** No or bad credentials. An API concern, not a domain one, hence not among the five kinds. */
export class UnauthenticatedError extends Error {
  readonly code = 'unauthenticated';
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('stable, machine-readable; clients may branch on it'),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('every failing field, for bad input'),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof ProblemSchema>;

const STATUS_BY_KIND: Record<ErrorKind, { status: number; title: string }> = {
  validation: { status: 400, title: 'Bad request' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  forbidden: { status: 403, title: 'Forbidden' },
  illegal_state: { status: 409, title: 'Not allowed in the current state' },
};

const problem = (status: number, title: string, code: string, detail: string, errors?: readonly FieldIssue[]): Problem => ({
  type: `https://docs.cloudpro.example/problems/${code}`,
  title,
  status,
  code,
  detail,
  ...(errors ? { errors: [...errors] } : {}),
});

/** The one place errors become HTTP: problem+json (RFC 9457) with a stable `code`. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ValidationError) {
    return problem(400, STATUS_BY_KIND.validation.title, error.code, 'the request has invalid fields; see errors', error.issues);
  }
  if (error instanceof DomainError) {
    const { status, title } = STATUS_BY_KIND[error.kind];
    return problem(status, title, error.code, error.message);
  }
  if (error instanceof UnauthenticatedError) return problem(401, 'Unauthorized', error.code, error.message);
  if (error instanceof ConcurrencyError) {
    return problem(409, 'Conflict', 'concurrency_conflict', 'the resource kept changing while this request was applied; retry it');
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return problem(415, 'Unsupported media type', 'unsupported_media_type', 'send application/json');
  }
  if (fastifyError.statusCode === 400 || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return problem(400, 'Bad request', 'malformed_request', fastifyError.message ?? 'the request body is not valid JSON');
  }
  if (fastifyError.statusCode === 413) return problem(413, 'Payload too large', 'payload_too_large', 'the request body is too large');
  // Anything else is our fault; its details go to the log, never to the client.
  return problem(500, 'Internal server error', 'internal_error', 'something went wrong on our side; it has been logged');
}
