/** Row shapes of the price book read models. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PricebookTables {}
