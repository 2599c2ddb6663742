/** Row shapes of the members read models, merged into ReadModelDatabase. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MemberTables {}
