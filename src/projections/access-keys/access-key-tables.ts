/** Row shapes of the access-keys read models, merged into ReadModelDatabase. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AccessKeyTables {}
