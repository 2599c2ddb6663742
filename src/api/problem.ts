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
    code: z
      .string()
      .describe(
        'stable, machine-readable; clients may branch on it. Besides the codes of each operation, any request can get ' +
          'route_not_found (404), unauthenticated (401), malformed_url (400), path_parameter_too_long (414), malformed_http (400), ' +
          'headers_too_large (431), request_timeout (408), malformed_json (400), unsupported_media_type (415), payload_too_large (413) ' +
          'and internal_error (500)',
      ),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string().describe('where: body.<field>, query.<field> or params.<field>, e.g. body.samples.3.bucket'), message: z.string().describe('one failing rule, in words a person can read') }))
      .optional()
      .describe('every failing field, for bad input'),
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
  const framework = frameworkProblem(error);
  if (framework) return framework;
  // Anything else is our fault; its details go to the log, never to the client.
  return problem(500, 'Internal server error', 'internal_error', 'something went wrong on our side; it has been logged');
}

/**
 * What the HTTP framework refuses before a route runs (a malformed URL or body, a wrong content
 * type, a body too large), in the same shape and with our own codes and words.
 */
const FRAMEWORK_ERRORS: Record<string, { status: number; title: string; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, title: 'Bad request', code: 'malformed_json', detail: 'the request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, title: 'Bad request', code: 'malformed_json', detail: 'the request body is empty; send a JSON object' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    title: 'Bad request',
    code: 'content_length_mismatch',
    detail: 'the request body is not as long as its content-length says',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', code: 'unsupported_media_type', detail: 'send the body as application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, title: 'Payload too large', code: 'payload_too_large', detail: 'the request body is larger than 1 MiB' },
  FST_ERR_BAD_URL: { status: 400, title: 'Bad request', code: 'malformed_url', detail: 'the URL is not valid (a malformed percent-encoding?)' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, title: 'URI too long', code: 'path_parameter_too_long', detail: 'a path parameter is longer than 100 characters' },
};

function frameworkProblem(error: unknown): Problem | null {
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  const known = typeof code === 'string' ? FRAMEWORK_ERRORS[code] : undefined;
  if (known) return problem(known.status, known.title, known.code, known.detail);
  // JSON the parser refused for its content (a __proto__ key) rather than its syntax.
  if (error instanceof SyntaxError && statusCode === 400) return problem(400, 'Bad request', 'malformed_json', 'the request body is not acceptable JSON');
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return problem(statusCode, 'Bad request', 'malformed_request', 'the request could not be read');
  }
  return null;
}

/**
 * The answer to a request Node's HTTP parser could not read at all (no route ever sees it):
 * a whole HTTP/1.1 response, as bytes for the socket.
 */
export function clientErrorResponse(error: { code?: string }): string {
  const [status, reason, body] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', problem(408, 'Request timeout', 'request_timeout', 'the request did not arrive in time')]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', problem(431, 'Request header fields too large', 'headers_too_large', 'the request headers are too large')]
        : [400, 'Bad Request', problem(400, 'Bad request', 'malformed_http', 'the request is not valid HTTP/1.1 (a content-length that does not match the body?)')];
  const json = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`;
}
