import { assertNever, type Decider } from '../decider.ts';
import { IllegalStateError, NotFoundError } from '../errors.ts';
import type { WebhookDeliveryAttempted, WebhookDeliveryEvent, WebhookDeliveryScheduled, WebhookRedeliveryRequested } from './webhook-events.ts';

export type ScheduleWebhookDelivery = { type: 'ScheduleWebhookDelivery'; data: WebhookDeliveryScheduled['data'] };
export type RecordWebhookAttempt = { type: 'RecordWebhookAttempt'; data: Omit<WebhookDeliveryAttempted['data'], 'attempt'> };
export type AbandonWebhookDelivery = { type: 'AbandonWebhookDelivery'; data: { deliveryId: string; reason: string; abandonedAt: string } };
export type RequestWebhookRedelivery = { type: 'RequestWebhookRedelivery'; data: WebhookRedeliveryRequested['data'] };
export type WebhookDeliveryCommand = ScheduleWebhookDelivery | RecordWebhookAttempt | AbandonWebhookDelivery | RequestWebhookRedelivery;

export type WebhookDeliveryState =
  | { status: 'none' }
  | {
      status: 'pending' | 'delivered' | 'abandoned';
      scheduled: WebhookDeliveryScheduled['data'];
      attempts: number;
      /** redeliveries asked for, by request id: one asked twice (a retried POST) is one */
      redeliveries: ReadonlySet<string>;
    };

/**
 * One message to one webhook. Scheduling twice (a reactor job run again after a crash) and
 * abandoning what was delivered change nothing; attempts are numbered here, in the order
 * they were recorded.
 */
export const webhookDeliveryDecider: Decider<WebhookDeliveryCommand, WebhookDeliveryEvent, WebhookDeliveryState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'ScheduleWebhookDelivery':
        return state.status === 'none' ? [{ type: 'WebhookDeliveryScheduled', data: command.data }] : [];
      case 'RecordWebhookAttempt':
        if (state.status === 'none') throw new IllegalStateError('delivery_not_scheduled', `delivery ${command.data.deliveryId} was never scheduled`);
        return [{ type: 'WebhookDeliveryAttempted', data: { ...command.data, attempt: state.attempts + 1 } }];
      case 'AbandonWebhookDelivery': {
        if (state.status !== 'pending') return [];
        const { accountId, webhookId } = state.scheduled;
        return [{ type: 'WebhookDeliveryAbandoned', data: { accountId, webhookId, ...command.data } }];
      }
      case 'RequestWebhookRedelivery': {
        const { data } = command;
        if (state.status === 'none' || state.scheduled.accountId !== data.accountId || state.scheduled.webhookId !== data.webhookId) {
          throw new NotFoundError('delivery_not_found', `delivery ${data.deliveryId} is not one of webhook ${data.webhookId}`);
        }
        if (state.redeliveries.has(data.requestId)) return [];
        return [{ type: 'WebhookRedeliveryRequested', data }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'WebhookDeliveryScheduled':
        return { status: 'pending', scheduled: event.data, attempts: 0, redeliveries: new Set() };
      case 'WebhookDeliveryAttempted':
        if (state.status === 'none') return state;
        return { ...state, attempts: event.data.attempt, status: event.data.succeeded ? 'delivered' : state.status };
      case 'WebhookDeliveryAbandoned':
        return state.status === 'pending' ? { ...state, status: 'abandoned' } : state;
      case 'WebhookRedeliveryRequested':
        return state.status === 'none' ? state : { ...state, redeliveries: new Set([...state.redeliveries, event.data.requestId]) };
      default:
        return assertNever(event);
    }
  },
};
