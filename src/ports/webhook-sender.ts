/** One HTTP POST of a webhook message. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What came back: any status (a 500 is an answer too); how long the exchange took. */
export interface WebhookResponse {
  statusCode: number;
  latencyMs: number;
}

/**
 * Sends one message. Throws WebhookUnanswered when no answer came (refused, timed
 * out, unresolvable), with how long it waited; `retryable` false when the endpoint may never
 * be used (it resolves to an internal address).
 */
export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

export class WebhookUnanswered extends Error {
  override readonly name = 'WebhookUnanswered';
  constructor(
    message: string,
    readonly latencyMs: number,
    /** false: trying again cannot help */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
