import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import { MAX_WEBHOOKS_PER_ACCOUNT, webhooksDecider, webhooksHearing, type RegisterWebhook } from '../../src/domain/webhook/webhook-decider.ts';
import { webhookDeliveryDecider } from '../../src/domain/webhook/webhook-delivery.ts';
import type { WebhookDeliveryScheduled, WebhookRegistered } from '../../src/domain/webhook/webhook-events.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const ACCOUNT = 'a1b2c3d4-0000-4000-8000-000000000001';
const SEALED = { dataKeyId: 'k', ciphertext: 'c', iv: 'i', authTag: 't' };
const register = (webhookId: string, overrides: Partial<RegisterWebhook['data']> = {}, allowLoopbackHttp = false): RegisterWebhook => ({
  type: 'RegisterWebhook',
  allowLoopbackHttp,
  data: { accountId: ACCOUNT, webhookId, url: 'https://hooks.example.com/in', kinds: ['invoice.paid'], signingSecret: SEALED, registeredAt: '2026-05-01T00:00:00.000Z', registeredBy: 'member-1', ...overrides },
});
const registered = (webhookId: string, overrides: Partial<WebhookRegistered['data']> = {}): WebhookRegistered => ({
  type: 'WebhookRegistered',
  data: { accountId: ACCOUNT, webhookId, url: 'https://hooks.example.com/in', kinds: ['invoice.paid'], signingSecret: SEALED, registeredAt: '2026-05-01T00:00:00.000Z', registeredBy: 'member-1', ...overrides },
});

const webhooks = deciderSpec(webhooksDecider);
const delivery = deciderSpec(webhookDeliveryDecider);

describe('webhooks decider', () => {
  it('registers an https endpoint with the kinds it asked for', () => {
    webhooks.given().when(register('w1')).then(registered('w1'));
  });

  it('refuses plain http, except to loopback when allowed', () => {
    webhooks.given().when(register('w1', { url: 'http://hooks.example.com/in' }, true)).thenThrows(ValidationError, 'validation_failed');
    webhooks.given().when(register('w1', { url: 'http://127.0.0.1:8080/in' })).thenThrows(ValidationError, 'validation_failed', (e) =>
      expect((e as ValidationError).issues[0]!.message).toMatch(/loopback during development/),
    );
    webhooks.given().when(register('w1', { url: 'http://127.0.0.1:8080/in' }, true)).then(registered('w1', { url: 'http://127.0.0.1:8080/in' }));
  });

  it('refuses internal endpoints as written or as resolved; the loopback flag opens loopback only', () => {
    const internal = (e: unknown) => expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['body.url']);
    for (const url of ['https://10.0.0.1/in', 'https://169.254.169.254/in', 'https://[fd00::1]/in', 'https://[::ffff:10.0.0.1]/in', 'https://100.64.1.1/in']) {
      webhooks.given().when(register('w1', { url }, true)).thenThrows(ValidationError, 'webhook_url_internal', internal);
    }
    for (const url of ['https://127.0.0.1/in', 'https://[::1]/in', 'https://localhost/in']) {
      webhooks.given().when(register('w1', { url })).thenThrows(ValidationError, 'webhook_url_internal', internal);
      webhooks.given().when(register('w1', { url }, true)).then(registered('w1', { url }));
    }
    const resolved = (addresses: string[], allow = false): RegisterWebhook => ({ ...register('w1', {}, allow), resolvedAddresses: addresses });
    webhooks.given().when(resolved(['93.184.215.14', '192.168.0.1'])).thenThrows(ValidationError, 'webhook_url_internal', (e) =>
      expect((e as ValidationError).issues[0]!.message).toMatch(/^resolves to an internal address \(192\.168\.0\.1\)/),
    );
    webhooks.given().when(resolved(['127.0.0.1'])).thenThrows(ValidationError, 'webhook_url_internal');
    webhooks.given().when(resolved(['127.0.0.1'], true)).then(registered('w1'));
    webhooks.given().when(resolved(['10.0.0.1'], true)).thenThrows(ValidationError, 'webhook_url_internal');
    webhooks.given().when(resolved(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'])).then(registered('w1'));
  });

  it('names each bad kind by its index', () => {
    webhooks.given().when(register('w1', { kinds: ['invoice.paid', 'invoice.eaten', 'invoice.paid'] })).thenThrows(ValidationError, 'validation_failed', (e) =>
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['body.kinds[1]', 'body.kinds[2]']),
    );
  });

  it(`keeps at most ${MAX_WEBHOOKS_PER_ACCOUNT} live webhooks; a removed one frees its place`, () => {
    const full = Array.from({ length: MAX_WEBHOOKS_PER_ACCOUNT }, (_, i) => registered(`w${i}`));
    webhooks.given(...full).when(register('one-more')).thenThrows(ConflictError, 'too_many_webhooks');
    webhooks
      .given(...full, { type: 'WebhookRemoved', data: { accountId: ACCOUNT, webhookId: 'w0', removedAt: '2026-05-02T00:00:00.000Z', removedBy: 'member-1' } })
      .when(register('one-more'))
      .then(registered('one-more'));
  });

  it('removes once; removing again records nothing; an unknown one is not found', () => {
    const removal = { type: 'RemoveWebhook', data: { accountId: ACCOUNT, webhookId: 'w1', removedAt: '2026-05-02T00:00:00.000Z', removedBy: 'member-1' } } as const;
    webhooks.given(registered('w1')).when(removal).then({ type: 'WebhookRemoved', data: removal.data });
    webhooks.given(registered('w1'), { type: 'WebhookRemoved', data: removal.data }).when(removal).thenNothing();
    webhooks.given().when(removal).thenThrows(NotFoundError, 'webhook_not_found');
  });

  it('a message goes to live webhooks that asked for its kind and existed when it happened', () => {
    const state = webhooks
      .given(
        registered('paid', { kinds: ['invoice.paid'] }),
        registered('later', { kinds: ['invoice.paid'], registeredAt: '2026-06-01T00:00:00.000Z' }),
        registered('other', { kinds: ['bucket.failed'] }),
        registered('gone', { kinds: ['invoice.paid'] }),
        { type: 'WebhookRemoved', data: { accountId: ACCOUNT, webhookId: 'gone', removedAt: '2026-05-03T00:00:00.000Z', removedBy: 'm' } },
      )
      .state();
    expect(webhooksHearing(state, 'invoice.paid', '2026-05-10T00:00:00.000Z').map((w) => w.webhookId)).toEqual(['paid']);
  });
});

describe('webhook delivery decider', () => {
  const scheduled: WebhookDeliveryScheduled = {
    type: 'WebhookDeliveryScheduled',
    data: { accountId: ACCOUNT, webhookId: 'w1', deliveryId: 'd1', kind: 'invoice.paid', sourceEventId: 'e1', subject: 'invoice:i1', body: '{}', scheduledAt: '2026-05-10T00:00:00.000Z' },
  };
  const attempt = (succeeded: boolean) =>
    ({ type: 'RecordWebhookAttempt', data: { accountId: ACCOUNT, webhookId: 'w1', deliveryId: 'd1', attemptedAt: '2026-05-10T00:00:01.000Z', statusCode: succeeded ? 200 : 503, latencyMs: 12, succeeded, error: succeeded ? null : 'the receiver answered 503' } }) as const;

  it('schedules once: a job run again finds it scheduled', () => {
    delivery.given().when({ type: 'ScheduleWebhookDelivery', data: scheduled.data }).then(scheduled);
    delivery.given(scheduled).when({ type: 'ScheduleWebhookDelivery', data: scheduled.data }).thenNothing();
  });

  it('numbers attempts in the order recorded', () => {
    const first = { type: 'WebhookDeliveryAttempted' as const, data: { ...attempt(false).data, attempt: 1 } };
    delivery.given(scheduled, first).when(attempt(true)).then({ type: 'WebhookDeliveryAttempted', data: { ...attempt(true).data, attempt: 2 } });
  });

  it('abandons only what is still pending', () => {
    const abandon = { type: 'AbandonWebhookDelivery', data: { deliveryId: 'd1', reason: 'gave up after 18 tries', abandonedAt: '2026-05-11T00:00:00.000Z' } } as const;
    delivery.given(scheduled).when(abandon).then({ type: 'WebhookDeliveryAbandoned', data: { accountId: ACCOUNT, webhookId: 'w1', ...abandon.data } });
    delivery.given(scheduled, { type: 'WebhookDeliveryAttempted', data: { ...attempt(true).data, attempt: 1 } }).when(abandon).thenNothing();
  });

  it('a redelivery asked twice with one request id is asked once; another account or webhook cannot ask', () => {
    const ask = { type: 'RequestWebhookRedelivery', data: { accountId: ACCOUNT, webhookId: 'w1', deliveryId: 'd1', requestId: 'r1', requestedAt: '2026-05-12T00:00:00.000Z', requestedBy: 'm' } } as const;
    const asked = { type: 'WebhookRedeliveryRequested' as const, data: ask.data };
    delivery.given(scheduled).when(ask).then(asked);
    delivery.given(scheduled, asked).when(ask).thenNothing();
    delivery.given(scheduled).when({ ...ask, data: { ...ask.data, accountId: 'someone-else' } }).thenThrows(NotFoundError, 'delivery_not_found');
    delivery.given(scheduled).when({ ...ask, data: { ...ask.data, webhookId: 'w2' } }).thenThrows(NotFoundError, 'delivery_not_found');
  });
});
