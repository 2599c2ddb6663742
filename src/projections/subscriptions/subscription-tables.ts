/** Row shapes of the subscription read models. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SubscriptionTables {}
