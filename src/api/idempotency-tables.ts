export interface IdempotencyKeysTable {
  principal: string;
  idempotency_key: string;
  request_fingerprint: string;
  status_code: number | null;
  response_body: unknown;
  /** the first answer's headers (location, event-position), replayed with it */
  response_headers: unknown;
  /** while in progress: until when the request holding the key owns it; a retry takes it over after */
  leased_until: Date | null;
  created_at: Date;
}

/** The API's own table: each request's outcome under its Idempotency-Key. */
export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeysTable;
}
