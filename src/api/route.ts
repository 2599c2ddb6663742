import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppendedPositions, type CommandContext } from '../commands/command-handler.ts';
import type { Principal } from '../commands/api-token-commands.ts';
import type { ReadAfter } from '../commands/read-after.ts';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from '../domain/errors.ts';
import { roleAllows, type Permission } from '../domain/access/permissions.ts';
import { friendlyMessage, qualifyPaths, tightestBounds } from './field-messages.ts';
import { commandIds, requestFingerprint, type IdempotencyStore, type NewId } from './idempotency.ts';
import { toProblem, UnauthenticatedError } from './problem.ts';
import { textIssues } from './text-input.ts';

/**
 * Who may call a route:
 * - 'public': anyone (health, docs)
 * - 'operator': platform operator tokens only
 * - 'metering': operators and metering tokens (usage collectors)
 * - a permission such as 'buckets:manage': operators, and tokens of the account named by
 *   the `:accountId` parameter whose role has that permission (src/domain/access/permissions.ts);
 *   any other account's token is told the account does not exist
 * - 'account:operator': an account's route that only operators may act on (suspend, approve)
 * - 'own-account:<permission>': a route without `:accountId` (`GET /invoices`): operators see
 *   every account's, and a token whose role has the permission only its own account's; the
 *   handler narrows by `principal` (`accountScopeOf`), so another account's is as absent as none
 */
export type Access = 'public' | 'operator' | 'metering' | 'account:operator' | Permission | `own-account:${Permission}`;

const isOwnAccountAccess = (access: Access): access is `own-account:${Permission}` => access.startsWith('own-account:');
const permissionOf = (access: `own-account:${Permission}`) => access.slice('own-account:'.length) as Permission;

/** The account a principal's reads are narrowed to: null for operators, who see every account. */
export function accountScopeOf(principal: Principal | null): string | null {
  if (!principal || principal.scope.kind === 'operator') return null;
  if (principal.scope.kind === 'metering') throw new ForbiddenError('operator_only', 'only platform operators may do this');
  return principal.scope.accountId;
}

type AnySchema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | null;
  context: CommandContext;
  /** a fresh id for what this command creates; derived from the Idempotency-Key when there is one (retry-safe) */
  newId: NewId;
  request: FastifyRequest;
}

export interface RouteReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteDefinition<P extends AnySchema | undefined, Q extends AnySchema | undefined, B extends AnySchema | undefined> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** documented responses: status -> schema (null for no body); errors are added from `access` */
  responses: Record<number, AnySchema | null>;
  /** other media types the 200 answer comes in, chosen by the request's Accept: media type -> what it holds */
  produces?: Record<string, string>;
  /**
   * Top-level response fields holding a secret shown once. An Idempotency-Key replay of
   * this route answers without them: they are never stored, and never shown twice.
   */
  secretFields?: readonly string[];
  /**
   * Media types besides JSON the 200 answer also comes in (the route picks one by `Accept` or
   * `?format=`), each with what it holds: documented as text beside the JSON schema.
   */
  textContent?: Readonly<Record<string, string>>;
  /** GET: the read models it reads, waited for by `?after=` (absent: every read model) */
  readModels?: readonly string[];
  handler(input: RouteInput<Infer<P>, Infer<Q>, Infer<B>>): Promise<RouteReply>;
}

/**
 * A function of `(deps, ...args)` as a route gets it: its first argument (a database, a store)
 * already bound by the composition root, so a route names what it calls and holds no handle.
 */
export type Bound<F> = F extends (deps: never, ...args: infer A) => infer R ? (...args: A) => R : never;
/** A read-model query `query(db, ...args)`, bound. */
export type Query<F> = Bound<F>;

export interface RouteDeps {
  authenticate(token: string): Promise<Principal | null>;
  now(): Date;
  idempotency: IdempotencyStore;
  /** what `?after=<position>` waits on */
  readAfter: ReadAfter;
}

/** An event position exactly as commands answer it (`event-position`): two fixed-width decimal numbers, compared as text. */
export const AFTER_POSITION = /^\d{20}\/\d{19,20}$/;
export const AFTER_DESCRIPTION =
  "an `event-position` a command answered with: the read waits (bounded) until the read models it reads have applied the log up to there, so it sees that command's effect; 409 `read_model_behind` if they do not get there in time";

/** Keeps each route once: fastify serves it, and the OpenAPI document describes it. */
export class RouteRegistry {
  readonly routes: RouteDefinition<AnySchema | undefined, AnySchema | undefined, AnySchema | undefined>[] = [];

  add<P extends AnySchema | undefined, Q extends AnySchema | undefined, B extends AnySchema | undefined>(route: RouteDefinition<P, Q, B>) {
    this.routes.push(route as unknown as RouteDefinition<AnySchema | undefined, AnySchema | undefined, AnySchema | undefined>);
  }

  mount(app: FastifyInstance, deps: RouteDeps) {
    for (const route of this.routes) {
      app.route({
        method: route.method,
        url: route.url,
        handler: async (request, reply) => {
          const principal = await resolvePrincipal(request, route.access, deps);
          const params = request.params as Record<string, string>;
          authorize(route.access, principal, params.accountId);
          const issues: FieldIssue[] = [];
          const parsedParams = parsePart(route.params, request.params, 'params', issues);
          // Reads that follow writes are for callers who wrote: not offered on public routes.
          const reads = route.method === 'GET' && route.access !== 'public';
          const after = reads ? afterOf(request.query, issues) : null;
          const parsedQuery = parsePart(route.query, reads ? withoutAfter(request.query) : request.query, 'query', issues);
          const parsedBody = parsePart(route.body, request.body, 'body', issues);
          if (issues.length > 0) throw new ValidationError(issues);
          if (after !== null) await deps.readAfter(after, route.readModels);
          const key = request.headers['idempotency-key'];
          const idempotent = route.method !== 'GET' && typeof key === 'string';
          const appended = new AppendedPositions();
          const run = () =>
            route
              .handler({
                params: parsedParams,
                query: parsedQuery,
                body: parsedBody,
                principal,
                context: { ...commandContext(request, principal, deps.now()), appended },
                newId: commandIds(ownerOf(principal), idempotent ? key : null),
                request,
              } as RouteInput<never, never, never>)
              .then((reply) => (route.method === 'GET' ? reply : withEventPosition(reply, appended)))
              .catch((error: unknown) => {
                // The domain names a field alone; the answer names it as the request has it.
                if (!(error instanceof ValidationError)) throw error;
                throw new ValidationError(qualifyPaths(error.issues, route), error.code);
              });
          const outcome =
            idempotent
              ? await runOnce(deps.idempotency, principal, key, requestFingerprint(route.method, request.url, request.body), run, route.secretFields ?? [])
              : await run();
          for (const [name, value] of Object.entries(outcome.headers ?? {})) reply.header(name, value);
          reply.status(outcome.status);
          if (outcome.status >= 400) reply.type('application/problem+json');
          return outcome.body === null ? reply.send() : outcome.body;
        },
      });
    }
  }
}

/**
 * Every command answers `event-position`: the log position of the last event it appended,
 * whichever streams its appends went to (a billing run's last invoice, a payment's credit),
 * so a read with `?after=` of it sees the whole command. A command that appended nothing (a
 * retry of one already recorded) answers without it, unless its handler named the position of
 * what first recorded it; a retry with the same Idempotency-Key replays the first answer's.
 */
function withEventPosition(reply: RouteReply, appended: AppendedPositions): RouteReply {
  const named = reply.headers?.['event-position'];
  const last = appended.last;
  if (last === null || (named !== undefined && named >= last)) return reply;
  return { ...reply, headers: { ...reply.headers, 'event-position': last } };
}

/** `?after=` of a read, checked; null when absent. */
function afterOf(query: unknown, issues: FieldIssue[]): string | null {
  const after = query !== null && typeof query === 'object' ? (query as Record<string, unknown>).after : undefined;
  if (after === undefined) return null;
  if (typeof after === 'string' && AFTER_POSITION.test(after)) return after;
  issues.push({ path: 'query.after', message: 'must be an event position as a command answered it (event-position header), e.g. 00000000000000000912/0000000000000004711' });
  return null;
}

function withoutAfter(query: unknown): unknown {
  if (query === null || typeof query !== 'object' || !('after' in query)) return query;
  const { after: _after, ...rest } = query as Record<string, unknown>;
  return rest;
}

const ownerOf = (principal: Principal | null) => (principal ? principal.tokenId : 'anonymous');

/**
 * A retried command with the same Idempotency-Key gets the first outcome back, headers
 * included, instead of running again. Outcomes of bad requests are kept too (the same
 * request would fail the same way). After a failure on our side, or a try that died holding
 * the key (its lease ran out), the retry runs again: its ids derive from the key, so it
 * finds what the earlier try recorded instead of creating something twice.
 */
async function runOnce(
  store: IdempotencyStore,
  principal: Principal | null,
  key: string,
  fingerprint: string,
  run: () => Promise<RouteReply>,
  secretFields: readonly string[],
): Promise<RouteReply> {
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ValidationError([{ path: 'headers.idempotency-key', message: 'must be 1 to 200 visible ASCII characters' }]);
  }
  const owner = ownerOf(principal);
  const claim = await store.claim(owner, key, fingerprint);
  if (claim.kind === 'replay') {
    const headers: Record<string, string> = { ...claim.headers, 'idempotent-replayed': 'true' };
    if (secretFields.length > 0 && claim.status < 300) headers['secrets-omitted'] = secretFields.join(',');
    return { status: claim.status, body: claim.body, headers };
  }
  if (claim.kind === 'mismatch') {
    throw new ConflictError('idempotency_key_reused', 'this Idempotency-Key was used for a different request');
  }
  if (claim.kind === 'in_progress') {
    throw new ConflictError('idempotency_in_progress', 'a request with this Idempotency-Key is still being processed');
  }
  // A long command keeps its key; a process that dies stops renewing and a retry takes over.
  const renewal = setInterval(() => void store.renew(owner, key).catch(() => undefined), Math.max(1_000, store.leaseMs / 3));
  renewal.unref();
  try {
    const outcome = await run();
    await store.complete(owner, key, outcome.status, withoutFields(outcome.body, secretFields), outcome.headers ?? {});
    return outcome;
  } catch (error) {
    if (error instanceof DomainError) {
      const problem = toProblem(error);
      await store.complete(owner, key, problem.status, problem, {});
    } else {
      await store.abandon(owner, key);
    }
    throw error;
  } finally {
    clearInterval(renewal);
  }
}

function withoutFields(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body).filter(([name]) => !fields.includes(name)));
}

function parsePart(schema: AnySchema | undefined, value: unknown, part: string, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  // Bad characters are refused wherever they are, before any rule (or the database) sees them.
  const badText = textIssues(value, part);
  if (badText.length > 0) {
    issues.push(...badText);
    return undefined;
  }
  const parsed = schema.safeParse(value ?? (part === 'body' ? undefined : {}), { error: friendlyMessage });
  if (parsed.success) return parsed.data;
  for (const issue of tightestBounds(parsed.error.issues)) {
    const at = [part, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: [...at, key].join('.'), message: 'unknown field' });
    } else {
      issues.push({ path: at.join('.'), message: issue.message });
    }
  }
  return undefined;
}

async function resolvePrincipal(request: FastifyRequest, access: Access, deps: RouteDeps): Promise<Principal | null> {
  if (access === 'public') return null;
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw new UnauthenticatedError('send an API token as "Authorization: Bearer <token>"');
  const principal = await deps.authenticate(match[1]!);
  if (!principal) throw new UnauthenticatedError('the API token is not valid, or it was revoked');
  return principal;
}

function authorize(access: Access, principal: Principal | null, accountId: string | undefined) {
  if (access === 'public' || !principal) return;
  if (principal.scope.kind === 'operator') return;
  if (access === 'metering' && principal.scope.kind === 'metering') return;
  if (access === 'operator' || access === 'metering' || principal.scope.kind === 'metering') {
    throw new ForbiddenError('operator_only', 'only platform operators may do this');
  }
  if (isOwnAccountAccess(access)) {
    const permission = permissionOf(access);
    if (!principal.role || !roleAllows(principal.role, permission)) {
      throw new ForbiddenError('role_forbidden', `the ${principal.role ?? 'unknown'} role may not do this (needs ${permission})`);
    }
    return;
  }
  // Another tenant's account is indistinguishable from one that does not exist.
  if (principal.scope.accountId !== accountId) throw new NotFoundError('account_not_found', `account ${accountId ?? ''} does not exist`);
  if (access === 'account:operator') throw new ForbiddenError('operator_only', 'only platform operators may do this');
  if (!principal.role || !roleAllows(principal.role, access)) {
    throw new ForbiddenError('role_forbidden', `the ${principal.role ?? 'unknown'} role may not do this (needs ${access})`);
  }
}

function commandContext(request: FastifyRequest, principal: Principal | null, now: Date): CommandContext {
  const given = request.headers['x-correlation-id'];
  const correlationId = typeof given === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : request.id;
  return {
    actor: principal ? `token:${principal.tokenId}` : 'anonymous',
    correlationId,
    causationId: request.id,
    occurredAt: now.toISOString(),
    ip: request.ip,
  };
}

export const newRequestId = () => randomUUID();
