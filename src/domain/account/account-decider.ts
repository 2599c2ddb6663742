import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import type { AccountCommand, ConfigureAccountSmtp, OpenAccount, ReserveAccountSlug, UpdateBillingProfile } from './account-commands.ts';
import type { AccountEvent, AccountProfileChanges, AccountSlugReserved } from './account-events.ts';
import { checkLocale, DEFAULT_LOCALE, type Locale } from './account-locale.ts';
import { validateSmtpSettings } from './account-smtp.ts';
import { checkPostalAddress, sameAddress } from './postal-address.ts';
import type { AccountState } from './account-state.ts';
import { acceptInvitation, changeMemberRole, evolveMembers, inviteMember, removeMember, transferOwnership } from './account-members.ts';
import {
  ACCOUNT_DEFAULTS,
  canonicalTimeZone,
  checkBillingDay,
  checkCurrency,
  checkDocument,
  checkEmail,
  checkName,
  checkSlug,
  checkTimeZone,
  type Currency,
} from './account-rules.ts';

export type { AccountMember, AccountState, AccountStatus, PendingInvitation } from './account-state.ts';

export function validateOpenAccount(data: OpenAccount['data']): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkName(data.name, 'name', issues);
  checkSlug(data.slug, 'slug', issues);
  checkEmail(data.billingEmail, 'billingEmail', issues);
  checkDocument(data.document, 'document', issues);
  if (data.ownerEmail !== undefined) checkEmail(data.ownerEmail, 'ownerEmail', issues);
  if (data.currency !== undefined) checkCurrency(data.currency, 'currency', issues);
  if (data.timeZone !== undefined) checkTimeZone(data.timeZone, 'timeZone', issues);
  if (data.billingDay !== undefined) checkBillingDay(data.billingDay, 'billingDay', issues);
  if (data.locale !== undefined) checkLocale(data.locale, 'locale', issues);
  if (data.address !== undefined) checkPostalAddress(data.address, 'address', issues);
  return issues;
}

export function validateBillingProfileChanges(changes: UpdateBillingProfile['data']['changes']): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (changes.name !== undefined) checkName(changes.name, 'name', issues);
  if (changes.billingEmail !== undefined) checkEmail(changes.billingEmail, 'billingEmail', issues);
  if (changes.document !== undefined) checkDocument(changes.document, 'document', issues);
  if (changes.billingDay !== undefined) checkBillingDay(changes.billingDay, 'billingDay', issues);
  if (changes.locale !== undefined) checkLocale(changes.locale, 'locale', issues);
  if (changes.address !== undefined) checkPostalAddress(changes.address, 'address', issues);
  if (Object.values(changes).every((value) => value === undefined)) issues.push({ path: '', message: 'nothing to change' });
  return issues;
}

function openAccount({ data }: OpenAccount, state: AccountState): AccountEvent[] {
  if (state.status !== 'none') throw new ConflictError('account_exists', `account ${data.accountId} already exists`);
  const issues = validateOpenAccount(data);
  if (issues.length > 0) throw new ValidationError(issues);
  return [
    {
      type: 'AccountOpened',
      data: {
        accountId: data.accountId,
        name: data.name.trim(),
        slug: data.slug,
        billingEmail: data.billingEmail,
        document: checkDocument(data.document, 'document', [])!,
        currency: (data.currency ?? ACCOUNT_DEFAULTS.currency) as Currency,
        timeZone: canonicalTimeZone(data.timeZone ?? ACCOUNT_DEFAULTS.timeZone),
        billingDay: data.billingDay ?? ACCOUNT_DEFAULTS.billingDay,
        openedAt: data.openedAt,
        owner: { memberId: data.ownerMemberId, email: (data.ownerEmail ?? data.billingEmail).trim().toLowerCase() },
        locale: (data.locale ?? DEFAULT_LOCALE) as Locale,
        ...(data.address !== undefined ? { address: checkPostalAddress(data.address, 'address', [])! } : {}),
      },
    },
  ];
}

function updateBillingProfile({ data }: UpdateBillingProfile, state: AccountState): AccountEvent[] {
  const account = requireOpen(state, data.accountId, 'update the billing profile of');
  const issues = validateBillingProfileChanges(data.changes);
  if (issues.length > 0) throw new ValidationError(issues);
  // Only what actually differs is recorded, so repeating an update records nothing.
  const changes: AccountProfileChanges = {};
  const { name, billingEmail, document, billingDay, locale, address } = data.changes;
  if (name !== undefined && name.trim() !== account.profile.name) changes.name = name.trim();
  if (billingEmail !== undefined && billingEmail !== account.profile.billingEmail) changes.billingEmail = billingEmail;
  if (billingDay !== undefined && billingDay !== account.profile.billingDay) changes.billingDay = billingDay;
  if (locale !== undefined && locale !== account.locale) changes.locale = locale as Locale;
  if (address !== undefined) {
    const parsed = checkPostalAddress(address, 'address', [])!;
    if (!sameAddress(parsed, account.profile.address)) changes.address = parsed;
  }
  if (document !== undefined) {
    const parsed = checkDocument(document, 'document', [])!;
    if (parsed.number !== account.profile.document.number) changes.document = parsed;
  }
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'BillingProfileUpdated', data: { accountId: data.accountId, changes, updatedAt: data.updatedAt } }];
}

function configureSmtp({ data }: ConfigureAccountSmtp, state: AccountState): AccountEvent[] {
  requireOpen(state, data.accountId, 'configure mail for');
  // The password's own rules were checked before it was sealed; here only its presence counts.
  const issues = validateSmtpSettings({ ...data, password: data.sealedPassword === null ? null : 'sealed' });
  if (issues.length > 0) throw new ValidationError(issues);
  const { accountId, host, port, secure, username, sealedPassword, fromName, fromAddress, configuredAt } = data;
  return [
    {
      type: 'AccountSmtpConfigured',
      data: { accountId, host: host.toLowerCase(), port, secure, username, sealedPassword, fromName: fromName.trim(), fromAddress, configuredAt },
    },
  ];
}

function requireExisting(state: AccountState, accountId: string) {
  if (state.status === 'none') throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
  return state;
}

function requireOpen(state: AccountState, accountId: string, action: string) {
  const account = requireExisting(state, accountId);
  if (account.status === 'closed') throw new IllegalStateError('account_closed', `cannot ${action} account ${accountId}: it is closed`);
  return account;
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'OpenAccount':
        return openAccount(command, state);
      case 'UpdateBillingProfile':
        return updateBillingProfile(command, state);
      case 'SuspendAccount': {
        const account = requireOpen(state, command.data.accountId, 'suspend');
        if (account.status === 'suspended') return [];
        return [{ type: 'AccountSuspended', data: command.data }];
      }
      case 'ReactivateAccount': {
        const account = requireOpen(state, command.data.accountId, 'reactivate');
        if (account.status === 'active') return [];
        return [{ type: 'AccountReactivated', data: command.data }];
      }
      case 'CloseAccount': {
        const account = requireExisting(state, command.data.accountId);
        if (account.status === 'closed') return [];
        return [{ type: 'AccountClosed', data: command.data }];
      }
      case 'ConfigureAccountSmtp':
        return configureSmtp(command, state);
      case 'ClearAccountSmtp': {
        const account = requireOpen(state, command.data.accountId, 'configure mail for');
        if (account.smtp === null) return [];
        return [{ type: 'AccountSmtpCleared', data: { accountId: command.data.accountId, host: account.smtp.host, clearedAt: command.data.clearedAt } }];
      }
      case 'InviteMember':
        return inviteMember(command, requireOpen(state, command.data.accountId, 'invite members to'));
      case 'AcceptInvitation':
        return acceptInvitation(command, requireOpen(state, command.data.accountId, 'join'));
      case 'ChangeMemberRole':
        return changeMemberRole(command, requireOpen(state, command.data.accountId, 'change roles in'));
      case 'RemoveMember':
        return removeMember(command, requireOpen(state, command.data.accountId, 'remove members from'));
      case 'TransferOwnership':
        return transferOwnership(command, requireOpen(state, command.data.accountId, 'transfer the ownership of'));
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AccountOpened': {
        const { accountId, slug, currency, timeZone, openedAt, name, billingEmail, document, billingDay, address } = event.data;
        const profile = { name, billingEmail, document, billingDay, ...(address ? { address } : {}) };
        const { owner } = event.data;
        return {
          status: 'active',
          accountId,
          slug,
          currency,
          timeZone,
          openedAt,
          profile,
          locale: event.data.locale,
          smtp: null,
          updatedAt: openedAt,
          statusReason: null,
          closedAt: null,
          members: { [owner.memberId]: { memberId: owner.memberId, email: owner.email, role: 'owner', joinedAt: openedAt } },
          ownerMemberId: owner.memberId,
          invitations: {},
        };
      }
      case 'BillingProfileUpdated': {
        if (state.status === 'none') return state;
        const { locale, ...profile } = event.data.changes;
        return { ...state, profile: { ...state.profile, ...profile }, locale: locale ?? state.locale, updatedAt: event.data.updatedAt };
      }
      case 'AccountSmtpConfigured': {
        if (state.status === 'none') return state;
        const { host, port, secure, username, sealedPassword, fromName, fromAddress, configuredAt } = event.data;
        return { ...state, smtp: { host, port, secure, username, sealedPassword, fromName, fromAddress }, updatedAt: configuredAt };
      }
      case 'AccountSmtpCleared':
        if (state.status === 'none') return state;
        return { ...state, smtp: null, updatedAt: event.data.clearedAt };
      case 'AccountSuspended':
        if (state.status === 'none') return state;
        return { ...state, status: 'suspended', statusReason: event.data.reason, updatedAt: event.data.suspendedAt };
      case 'AccountReactivated':
        if (state.status === 'none') return state;
        return { ...state, status: 'active', statusReason: null, updatedAt: event.data.reactivatedAt };
      case 'AccountClosed':
        if (state.status === 'none') return state;
        return { ...state, status: 'closed', statusReason: event.data.reason, updatedAt: event.data.closedAt, closedAt: event.data.closedAt };
      case 'MemberInvited':
      case 'InvitationAccepted':
      case 'MemberRoleChanged':
      case 'MemberRemoved':
      case 'OwnershipTransferred':
        return state.status === 'none' ? state : evolveMembers(state, event);
      default:
        return assertNever(event);
    }
  },
};

export type SlugReservationState = { reservedBy: string | null };

export const slugReservationDecider: Decider<ReserveAccountSlug, AccountSlugReserved, SlugReservationState> = {
  initialState: () => ({ reservedBy: null }),
  decide({ data }, state) {
    if (state.reservedBy === data.accountId) return [];
    if (state.reservedBy !== null) throw new ConflictError('slug_taken', `the slug "${data.slug}" is already taken`);
    return [{ type: 'AccountSlugReserved', data }];
  },
  evolve: (_state, event) => ({ reservedBy: event.data.accountId }),
};
