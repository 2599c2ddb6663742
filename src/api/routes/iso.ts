/** Timestamps leave the API as ISO 8601 in UTC, whether a read model gave a Date or a string. */
export const iso = (value: Date | string) => new Date(value).toISOString();
export const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));
