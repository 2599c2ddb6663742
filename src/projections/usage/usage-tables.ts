/** Row shapes of the usage read models. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface UsageTables {}
