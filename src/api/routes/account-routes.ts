import { randomUUID } from 'node:crypto';
import type { AccountCommands } from '../../commands/account-commands.ts';
import type { AccountSmtpCommands } from '../../commands/account-smtp.ts';
import type { AccountCommand } from '../../domain/account/account-commands.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { CommandContext } from '../../commands/command-handler.ts';
import type { StateAt } from '../../commands/state-at.ts';
import type { requireAccount } from '../../projections/accounts/accounts-queries.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AsOfQuery } from '../schemas/instant-schemas.ts';
import { AccountIdParams, AccountView, OpenAccountBody, ReactivationBody, ReasonBody, SmtpSettingsBody, UpdateBillingProfileBody } from '../schemas/account-schemas.ts';
import { accountViewFromRow, accountViewFromState } from './account-views.ts';

export interface AccountRoutesDeps {
  executeAccountCommand: AccountCommands['execute'];
  /** an account's own SMTP server: its password sealed, its host checked against the platform's policy */
  configureAccountSmtp: AccountSmtpCommands['configure'];
  clearAccountSmtp: AccountSmtpCommands['clear'];
  requireAccount: Query<typeof requireAccount>;
  /** `?asOf=`: the account folded from its stream up to an instant */
  accountAt: StateAt['account'];
}

const tags = ['accounts'];

export function registerAccountRoutes(routes: RouteRegistry, deps: AccountRoutesDeps) {
  const execute = async (command: AccountCommand, context: CommandContext) => {
    const { state, position } = await deps.executeAccountCommand(command, context);
    if (state.status === 'none') throw new NotFoundError('account_not_found', `account ${command.data.accountId} does not exist`);
    // The position lets a client wait for the read model to catch up with its own write.
    return { view: accountViewFromState(state), headers: position ? { 'event-position': position } : undefined };
  };
  const answer = ({ state, position }: Awaited<ReturnType<AccountSmtpCommands['clear']>>, accountId: string) => {
    if (state.status === 'none') throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
    return { status: 200, body: accountViewFromState(state), headers: position ? { 'event-position': position } : undefined };
  };

  routes.add({
    method: 'POST',
    url: '/accounts',
    summary: 'Open an account (operators)',
    tags,
    access: 'operator',
    body: OpenAccountBody,
    responses: { 201: AccountView },
    async handler({ body, context, newId }) {
      const accountId = newId('account');
      const ownerMemberId = newId('account-owner');
      const { view, headers } = await execute(
        { type: 'OpenAccount', data: { ...body, accountId, ownerMemberId, openedAt: context.occurredAt } },
        context,
      );
      return { status: 201, body: view, headers: { ...headers, location: `/accounts/${accountId}` } };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId',
    summary: 'Show an account',
    tags,
    access: 'account:read',
    readModels: ['accounts'],
    params: AccountIdParams,
    query: AsOfQuery,
    responses: { 200: AccountView },
    async handler({ params, query, context }) {
      if (query.asOf) return { status: 200, body: accountViewFromState(await deps.accountAt(params.accountId, { asOf: query.asOf, now: context.occurredAt })) };
      return { status: 200, body: accountViewFromRow(await deps.requireAccount(params.accountId)) };
    },
  });

  routes.add({
    method: 'PATCH',
    url: '/accounts/:accountId/billing-profile',
    summary: 'Change the billing profile (name, billing email, document, billing day) or the locale (pt-BR, en)',
    tags,
    access: 'account:update-billing',
    params: AccountIdParams,
    body: UpdateBillingProfileBody,
    responses: { 200: AccountView },
    async handler({ params, body, context }) {
      const { view, headers } = await execute(
        { type: 'UpdateBillingProfile', data: { accountId: params.accountId, changes: body, updatedAt: context.occurredAt } },
        context,
      );
      return { status: 200, body: view, headers };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/suspend',
    summary: 'Suspend an account (operators; dunning does it too)',
    tags,
    access: 'account:operator',
    params: AccountIdParams,
    body: ReasonBody,
    responses: { 200: AccountView },
    async handler({ params, body, context }) {
      const { view, headers } = await execute(
        { type: 'SuspendAccount', data: { accountId: params.accountId, reason: body.reason, suspendedAt: context.occurredAt } },
        context,
      );
      return { status: 200, body: view, headers };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/reactivate',
    summary: 'Reactivate a suspended account, optionally saying why (operators)',
    tags,
    access: 'account:operator',
    params: AccountIdParams,
    body: ReactivationBody,
    responses: { 200: AccountView },
    async handler({ params, body, context }) {
      const reason = body?.reason;
      const { view, headers } = await execute(
        { type: 'ReactivateAccount', data: { accountId: params.accountId, ...(reason === undefined ? {} : { reason }), reactivatedAt: context.occurredAt } },
        context,
      );
      return { status: 200, body: view, headers };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/close',
    summary: 'Close an account for good',
    tags,
    access: 'account:close',
    params: AccountIdParams,
    body: ReasonBody,
    responses: { 200: AccountView },
    async handler({ params, body, context }) {
      const { view, headers } = await execute(
        { type: 'CloseAccount', data: { accountId: params.accountId, reason: body.reason, closedAt: context.occurredAt } },
        context,
      );
      return { status: 200, body: view, headers };
    },
  });

  routes.add({
    method: 'PUT',
    url: '/accounts/:accountId/smtp',
    summary: "Send the account's mail through its own SMTP server (white-label); the password is stored sealed and never shown",
    tags,
    access: 'account:configure-mail',
    params: AccountIdParams,
    body: SmtpSettingsBody,
    responses: { 200: AccountView },
    async handler({ params, body, context }) {
      try {
        return answer(await deps.configureAccountSmtp({ accountId: params.accountId, ...body }, context), params.accountId);
      } catch (error) {
        // the command names its fields bare (`host`); here they are the body's
        if (error instanceof ValidationError) throw new ValidationError(error.issues.map((i) => ({ ...i, path: `body.${i.path}` })), error.code);
        throw error;
      }
    },
  });

  routes.add({
    method: 'DELETE',
    url: '/accounts/:accountId/smtp',
    summary: "Remove the account's own SMTP server: its mail goes through the platform's again",
    tags,
    access: 'account:configure-mail',
    params: AccountIdParams,
    responses: { 200: AccountView },
    async handler({ params, context }) {
      return answer(await deps.clearAccountSmtp({ accountId: params.accountId }, context), params.accountId);
    },
  });
}
