/** A remote may quote what it was sent: nothing secret leaves through its words. */
export function redact(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) if (secret.length > 0) clean = clean.split(secret).join('[redacted]');
  return clean;
}
