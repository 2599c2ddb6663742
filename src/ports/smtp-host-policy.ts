/**
 * Whether an account's own SMTP server may be used: null when it may, or why not, in words
 * a portal can show beside the host field (e.g. it is an internal address).
 */
export type SmtpHostPolicy = (host: string) => Promise<string | null>;
