/**
 * The addresses a host name resolves to now, or null when the resolver gave none (no such
 * name, or no answer in time): whoever asks decides what an unresolved name means.
 */
export type HostResolver = (host: string) => Promise<readonly string[] | null>;
