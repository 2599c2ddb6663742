import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import { isInternalAddress, isIpAddress, isLocalhostName, isLoopbackAddress } from '../shared/internal-address.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';
import type { WebhookEvent } from './webhook-events.ts';
import { WEBHOOK_KINDS, type WebhookKind } from './webhook-kinds.ts';

export type RegisterWebhook = {
  type: 'RegisterWebhook';
  data: { accountId: string; webhookId: string; url: string; kinds: readonly string[]; signingSecret: SealedSecret; registeredAt: string; registeredBy: string };
  /** whether a loopback endpoint, over plain HTTP too, is allowed (development; WEBHOOK_ALLOW_LOOPBACK) */
  allowLoopbackHttp: boolean;
  /** what the URL's host name resolved to when it was registered; absent for an address, or when the resolver did not answer */
  resolvedAddresses?: readonly string[];
};
export type RemoveWebhook = { type: 'RemoveWebhook'; data: { accountId: string; webhookId: string; removedAt: string; removedBy: string } };
export type WebhookCommand = RegisterWebhook | RemoveWebhook;

export interface Webhook {
  webhookId: string;
  url: string;
  kinds: readonly WebhookKind[];
  signingSecret: SealedSecret;
  registeredAt: string;
  removedAt: string | null;
}

/** An account's webhooks, removed ones included (their deliveries are still listed). */
export interface WebhooksState {
  webhooks: ReadonlyMap<string, Webhook>;
}

/** At most this many live webhooks per account. */
export const MAX_WEBHOOKS_PER_ACCOUNT = 10;

export const WEBHOOK_URL_MAX_LENGTH = 2000;

/** The problem code of a URL refused because it points inside the platform's network. */
export const WEBHOOK_URL_INTERNAL = 'webhook_url_internal';

type UrlVerdict = { ok: true } | { ok: false; message: string; internal: boolean };

/** The host as the URL names it: brackets, case and the root dot left out. */
const hostOf = (parsed: URL) => parsed.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '').toLowerCase();

/**
 * The endpoint as given: an absolute HTTPS URL without credentials or fragment, never to an
 * internal address (private, link-local, loopback, CGNAT, multicast…, the SMTP guard's rule).
 * A literal host and `localhost` names are judged here; a name's addresses, resolved when it
 * is registered, come in with the command (`resolvedAddresses`) and each is judged the same
 * way. Loopback, over HTTP or HTTPS, only when allowed (development; WEBHOOK_ALLOW_LOOPBACK).
 * Names can change what they resolve to, so the sender judges the address again before
 * every try and connects to the address it judged.
 */
function judgeWebhookUrl(url: unknown, allowLoopback: boolean, resolvedAddresses: readonly string[]): UrlVerdict {
  const wrong = (message: string, internal = false): UrlVerdict => ({ ok: false, message, internal });
  if (typeof url !== 'string' || url.length === 0 || url.length > WEBHOOK_URL_MAX_LENGTH) return wrong(`must be a URL of 1 to ${WEBHOOK_URL_MAX_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return wrong('must be an absolute URL, e.g. https://hooks.example.com/cloudpro');
  }
  if (parsed.username !== '' || parsed.password !== '') return wrong('must not carry a user name or password; the signature authenticates the messages');
  if (parsed.hash !== '') return wrong('must not have a fragment (#…)');
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return wrong('must use https://');
  const host = hostOf(parsed);
  const literal = isIpAddress(host);
  const loopback = literal ? isLoopbackAddress(host) : isLocalhostName(host);
  if (loopback && !allowLoopback) {
    return parsed.protocol === 'http:'
      ? wrong('plain HTTP is allowed only to loopback during development (WEBHOOK_ALLOW_LOOPBACK); use https://')
      : wrong(`is a loopback address (${host}): a webhook must be reachable on the internet (loopback only in development, WEBHOOK_ALLOW_LOOPBACK)`, true);
  }
  if (literal && !loopback && isInternalAddress(host)) return wrong(`is an internal address (${host}): a webhook must be reachable on the internet`, true);
  const internal = resolvedAddresses.filter((address) => !isIpAddress(address) || (isInternalAddress(address) && !(allowLoopback && isLoopbackAddress(address))));
  if (internal.length > 0) return wrong(`resolves to an internal address (${internal.join(', ')}): a webhook must be reachable on the internet`, true);
  if (parsed.protocol === 'http:' && !loopback) return wrong('must use https://');
  return { ok: true };
}

export function checkWebhookUrl(url: unknown, allowLoopbackHttp: boolean, path: string, issues: FieldIssue[], resolvedAddresses: readonly string[] = []): url is string {
  const verdict = judgeWebhookUrl(url, allowLoopbackHttp, resolvedAddresses);
  if (!verdict.ok) issues.push({ path, message: verdict.message });
  return verdict.ok;
}

/**
 * The host name to resolve before registering (a name that is not `localhost`), or null when
 * the URL names an address, is refused as written, or cannot be read.
 */
export function webhookHostToResolve(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const host = hostOf(parsed);
  return host === '' || isIpAddress(host) || isLocalhostName(host) ? null : host;
}

export function checkWebhookKinds(kinds: unknown, path: string, issues: FieldIssue[]): kinds is WebhookKind[] {
  const known: readonly string[] = WEBHOOK_KINDS;
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.length > WEBHOOK_KINDS.length) {
    issues.push({ path, message: `must list 1 to ${WEBHOOK_KINDS.length} of ${WEBHOOK_KINDS.join(', ')}` });
    return false;
  }
  const before = issues.length;
  kinds.forEach((kind, index) => {
    if (typeof kind !== 'string' || !known.includes(kind)) issues.push({ path: `${path}[${index}]`, message: `must be one of ${WEBHOOK_KINDS.join(', ')}` });
    else if (kinds.indexOf(kind) !== index) issues.push({ path: `${path}[${index}]`, message: `lists ${kind} twice` });
  });
  return issues.length === before;
}

export const webhooksDecider: Decider<WebhookCommand, WebhookEvent, WebhooksState> = {
  initialState: () => ({ webhooks: new Map() }),
  decide(command, state) {
    switch (command.type) {
      case 'RegisterWebhook': {
        const { data } = command;
        if (state.webhooks.has(data.webhookId)) throw new ConflictError('webhook_exists', `webhook ${data.webhookId} already exists`);
        const issues: FieldIssue[] = [];
        const url = judgeWebhookUrl(data.url, command.allowLoopbackHttp, command.resolvedAddresses ?? []);
        if (!url.ok) issues.push({ path: 'body.url', message: url.message });
        checkWebhookKinds(data.kinds, 'body.kinds', issues);
        if (issues.length > 0) throw new ValidationError(issues, !url.ok && url.internal ? WEBHOOK_URL_INTERNAL : 'validation_failed');
        const live = [...state.webhooks.values()].filter((w) => w.removedAt === null).length;
        if (live >= MAX_WEBHOOKS_PER_ACCOUNT) {
          throw new ConflictError('too_many_webhooks', `an account has at most ${MAX_WEBHOOKS_PER_ACCOUNT} webhooks; remove one first`);
        }
        return [{ type: 'WebhookRegistered', data: { ...data, kinds: [...(data.kinds as WebhookKind[])] } }];
      }
      case 'RemoveWebhook': {
        const { data } = command;
        const webhook = state.webhooks.get(data.webhookId);
        if (!webhook) throw new NotFoundError('webhook_not_found', `webhook ${data.webhookId} does not exist in account ${data.accountId}`);
        if (webhook.removedAt !== null) return [];
        return [{ type: 'WebhookRemoved', data }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'WebhookRegistered': {
        const { webhookId, url, kinds, signingSecret, registeredAt } = event.data;
        return { webhooks: new Map(state.webhooks).set(webhookId, { webhookId, url, kinds, signingSecret, registeredAt, removedAt: null }) };
      }
      case 'WebhookRemoved': {
        const webhook = state.webhooks.get(event.data.webhookId);
        return webhook ? { webhooks: new Map(state.webhooks).set(webhook.webhookId, { ...webhook, removedAt: event.data.removedAt }) } : state;
      }
      default:
        return assertNever(event);
    }
  },
};

/** The live webhooks that hear about `kind`, among those registered by the instant the message reports. */
export function webhooksHearing(state: WebhooksState, kind: WebhookKind, occurredAt: string): Webhook[] {
  const at = Date.parse(occurredAt);
  return [...state.webhooks.values()].filter((w) => w.removedAt === null && w.kinds.includes(kind) && Date.parse(w.registeredAt) <= at);
}
