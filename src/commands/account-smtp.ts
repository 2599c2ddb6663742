/**
 * An account's own SMTP server (white-label mail): configuring it, clearing it, and reading
 * it back with the password opened, for the email reactor only.
 */
import { accountDecider, type AccountState } from '../domain/account/account-decider.ts';
import { formatFromHeader, validateSmtpSettings, type SmtpSettingsInput } from '../domain/account/account-smtp.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { SmtpSettings } from '../ports/mailer.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import type { SmtpHostPolicy } from '../ports/smtp-host-policy.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';
import { withSealedSecret } from './random-secrets.ts';

export type AccountSmtpCommands = ReturnType<typeof createAccountSmtpCommands>;

/**
 * `hostPolicy` is the rule the email reactor applies before each mail (ACCOUNT_SMTP_INTERNAL_HOSTS),
 * applied here too so that a server the platform will never use is refused when it is given.
 */
export function createAccountSmtpCommands(eventStore: EventStore, secrets: SecretSealer, hostPolicy: SmtpHostPolicy) {
  const onAccount = (accountId: string, command: Parameters<typeof accountDecider.decide>[0], context: CommandContext) =>
    handleCommand(eventStore, accountDecider, accountStream(accountId), command, context);

  /** The password the settings were decided on replaced, or cleared: its data key is no longer needed. */
  async function shredReplaced(result: Awaited<ReturnType<typeof onAccount>>) {
    const before = result.decidedOn.status === 'none' ? null : result.decidedOn.smtp?.sealedPassword;
    if (result.events.length > 0 && before) await secrets.shred(before.dataKeyId);
  }

  return {
    /** Replaces the account's SMTP settings as a whole; the password is sealed before anything is recorded. */
    async configure(input: SmtpSettingsInput & { accountId: string }, context: CommandContext) {
      // Refuse bad input before a data key is made for nothing.
      const issues = validateSmtpSettings(input);
      if (issues.length > 0) throw new ValidationError(issues);
      const refusal = await hostPolicy(input.host);
      if (refusal !== null) throw new ValidationError([{ path: 'host', message: refusal }]);
      const data = {
        accountId: input.accountId,
        host: input.host,
        port: input.port,
        secure: input.secure,
        username: input.username ?? null,
        fromName: input.fromName,
        fromAddress: input.fromAddress,
        configuredAt: context.occurredAt,
      };
      const password = input.password ?? null;
      const result =
        password === null
          ? await onAccount(input.accountId, { type: 'ConfigureAccountSmtp', data: { ...data, sealedPassword: null } }, context)
          : await withSealedSecret(secrets, password, (sealedPassword) =>
              onAccount(input.accountId, { type: 'ConfigureAccountSmtp', data: { ...data, sealedPassword } }, context),
            );
      await shredReplaced(result);
      return result;
    },

    /** Back to the platform's server. Clearing what is not set records nothing. */
    async clear(input: { accountId: string }, context: CommandContext) {
      const result = await onAccount(input.accountId, { type: 'ClearAccountSmtp', data: { accountId: input.accountId, clearedAt: context.occurredAt } }, context);
      await shredReplaced(result);
      return result;
    },
  };
}

/**
 * The account's own SMTP server with its password opened, or null when it uses the
 * platform's. Read from the account's stream, not the read model: a change made a moment
 * ago counts. For the email reactor; the password must go nowhere but the SMTP connection.
 */
export async function loadAccountMailSettings(eventStore: EventStore, secrets: SecretSealer, accountId: string): Promise<SmtpSettings | null> {
  const { state } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
  if (state.status === 'none') throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
  return mailSettingsOf(state, secrets);
}

/** The same, from an account state already loaded. */
export async function mailSettingsOf(state: Exclude<AccountState, { status: 'none' }>, secrets: SecretSealer): Promise<SmtpSettings | null> {
  const smtp = state.smtp;
  if (smtp === null) return null;
  const pass = smtp.sealedPassword === null ? null : await secrets.open(smtp.sealedPassword);
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.username !== null && pass !== null ? { user: smtp.username, pass } : null,
    from: formatFromHeader(smtp.fromName, smtp.fromAddress),
  };
}
