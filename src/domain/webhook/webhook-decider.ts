import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';
import type { WebhookEvent } from './webhook-events.ts';
import { WEBHOOK_KINDS, type WebhookKind } from './webhook-kinds.ts';

export type RegisterWebhook = {
  type: 'RegisterWebhook';
  data: { accountId: string; webhookId: string; url: string; kinds: readonly string[]; signingSecret: SealedSecret; registeredAt: string; registeredBy: string };
  /** whether plain HTTP to a loopback address is allowed (development; WEBHOOK_ALLOW_LOOPBACK) */
  allowLoopbackHttp: boolean;
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

/**
 * The endpoint as given: an absolute HTTPS URL without credentials or fragment; plain HTTP
 * only to a loopback host, and only when allowed. Whether a host name points inside the
 * platform's network is judged again when a message is sent (names can change what they
 * resolve to), by the sender.
 */
export function checkWebhookUrl(url: unknown, allowLoopbackHttp: boolean, path: string, issues: FieldIssue[]): url is string {
  const wrong = (message: string) => (issues.push({ path, message }), false);
  if (typeof url !== 'string' || url.length === 0 || url.length > WEBHOOK_URL_MAX_LENGTH) return wrong(`must be a URL of 1 to ${WEBHOOK_URL_MAX_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return wrong('must be an absolute URL, e.g. https://hooks.example.com/cloudpro');
  }
  if (parsed.username !== '' || parsed.password !== '') return wrong('must not carry a user name or password; the signature authenticates the messages');
  if (parsed.hash !== '') return wrong('must not have a fragment (#…)');
  const loopback = parsed.hostname === 'localhost' || parsed.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(parsed.hostname);
  if (parsed.protocol === 'https:') return true;
  if (parsed.protocol === 'http:' && loopback && allowLoopbackHttp) return true;
  if (parsed.protocol === 'http:' && loopback) return wrong('plain HTTP is allowed only to loopback during development (WEBHOOK_ALLOW_LOOPBACK); use https://');
  return wrong('must use https://');
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
        const urlOk = checkWebhookUrl(data.url, command.allowLoopbackHttp, 'body.url', issues);
        const kindsOk = checkWebhookKinds(data.kinds, 'body.kinds', issues);
        if (!urlOk || !kindsOk) throw new ValidationError(issues);
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
