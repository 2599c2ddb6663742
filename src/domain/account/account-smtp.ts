import type { FieldIssue } from '../errors.ts';
import { fitsText, fitsWholeNumber, type TextRule, type WholeNumberRule } from '../shared/field-rule.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';
import { checkEmail } from './account-rules.ts';

/**
 * An account's own SMTP server (white-label mail). The password is never here in clear:
 * the command layer seals it before the decider sees it.
 */
export interface AccountSmtp {
  host: string;
  port: number;
  /** true: TLS from the first byte (usually 465); false: STARTTLS when offered */
  secure: boolean;
  /** null for a relay that needs no login */
  username: string | null;
  sealedPassword: SealedSecret | null;
  fromName: string;
  fromAddress: string;
}

// A host name or an IP literal; no scheme, no port, no path: those are separate fields.
const HOST_NAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6_LITERAL = /^\[?[0-9A-Fa-f:.]{2,45}\]?$/;
// The sender's name goes into a From header: a line break there would let it write headers of its own.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export const SMTP_LIMITS = { username: 254, password: 1024, fromName: 100 } as const;
/** A host name is at most 253 characters (RFC 1035); an IP literal is shorter. */
export const SMTP_HOST: TextRule = { minLength: 1, maxLength: 253 };
export const SMTP_PORT: WholeNumberRule = { minimum: 1, maximum: 65_535 };
export const SMTP_USERNAME: TextRule = { minLength: 1, maxLength: SMTP_LIMITS.username };
export const SMTP_PASSWORD: TextRule = { minLength: 1, maxLength: SMTP_LIMITS.password };
/** Surrounding spaces are not counted. */
export const SMTP_FROM_NAME: TextRule = { minLength: 1, maxLength: SMTP_LIMITS.fromName };

export interface SmtpSettingsInput {
  host: string;
  port: number;
  secure: boolean;
  username?: string | null | undefined;
  password?: string | null | undefined;
  fromName: string;
  fromAddress: string;
}

export function checkSmtpHost(host: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(host, SMTP_HOST) || (!HOST_NAME.test(host) && !(host.includes(':') && IPV6_LITERAL.test(host)))) {
    issues.push({ path, message: 'must be a host name or IP address, without scheme, port or path' });
  }
}

export function checkSmtpPort(port: number, path: string, issues: FieldIssue[]) {
  if (!fitsWholeNumber(port, SMTP_PORT)) issues.push({ path, message: 'must be a whole number from 1 to 65535' });
}

export function checkFromName(name: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(name.trim(), SMTP_FROM_NAME)) issues.push({ path, message: `must be 1 to ${SMTP_LIMITS.fromName} characters` });
  else if (CONTROL_CHARACTERS.test(name)) issues.push({ path, message: 'must not contain line breaks or other control characters' });
}

export function checkSmtpUsername(username: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(username, SMTP_USERNAME) || CONTROL_CHARACTERS.test(username)) {
    issues.push({ path, message: `must be 1 to ${SMTP_LIMITS.username} characters, without control characters` });
  }
}

export function checkSmtpPassword(password: string, path: string, issues: FieldIssue[]) {
  // Only its length is judged: the message names no part of it.
  if (!fitsText(password, SMTP_PASSWORD)) issues.push({ path, message: `must be 1 to ${SMTP_LIMITS.password} characters` });
}

/**
 * Every field rule at once. A login is a username and a password together, or neither (a relay
 * that trusts the platform's address).
 */
export function validateSmtpSettings(input: SmtpSettingsInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkSmtpHost(input.host, 'host', issues);
  checkSmtpPort(input.port, 'port', issues);
  if (typeof input.secure !== 'boolean') issues.push({ path: 'secure', message: 'must be true or false' });
  const hasUser = input.username !== undefined && input.username !== null;
  const hasPassword = input.password !== undefined && input.password !== null;
  if (hasUser) checkSmtpUsername(input.username!, 'username', issues);
  if (hasPassword) checkSmtpPassword(input.password!, 'password', issues);
  if (hasUser && !hasPassword) issues.push({ path: 'password', message: 'is required with a username' });
  if (hasPassword && !hasUser) issues.push({ path: 'username', message: 'is required with a password' });
  checkFromName(input.fromName, 'fromName', issues);
  checkEmail(input.fromAddress, 'fromAddress', issues);
  if (CONTROL_CHARACTERS.test(input.fromAddress)) issues.push({ path: 'fromAddress', message: 'must not contain control characters' });
  return issues;
}

/** `"Acme Storage" <billing@acme.example>`: the name quoted, its quotes and backslashes escaped. */
export function formatFromHeader(fromName: string, fromAddress: string): string {
  return `"${fromName.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}" <${fromAddress}>`;
}
