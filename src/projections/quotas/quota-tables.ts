/** Row shapes of the quotas read models, merged into ReadModelDatabase. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface QuotaTables {}
