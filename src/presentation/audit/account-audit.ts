import type { AuditDescriber } from './audit-description.ts';
import { assertNever } from '../../domain/decider.ts';
import { accountEvents } from '../../domain/account/account-events.ts';

/** How account and member events read in the audit log. */
export const describeAccountEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!accountEvents.is(event)) return null;
  const account = (summary: string) => ({ accountId: event.data.accountId, resourceType: 'account', resourceId: event.data.accountId, summary });
  const member = (memberId: string, summary: string) => ({ accountId: event.data.accountId, resourceType: 'member', resourceId: memberId, summary });
  switch (event.type) {
    case 'AccountOpened':
      return account(`Account "${event.data.name}" (${event.data.slug}) opened, owned by ${event.data.owner.email}`);
    case 'BillingProfileUpdated':
      return account(`Billing profile changed: ${Object.keys(event.data.changes).join(', ')}`);
    case 'AccountSuspended':
      return account(`Account suspended: ${event.data.reason}`);
    case 'AccountReactivated':
      return account('Account reactivated');
    case 'AccountClosed':
      return account(`Account closed: ${event.data.reason}`);
    case 'AccountSmtpConfigured': {
      const { host, port, secure, username, fromAddress } = event.data;
      const login = username === null ? 'no login' : `login ${username}`;
      return account(`Own mail server set: ${host}:${port} (${secure ? 'TLS' : 'STARTTLS'}, ${login}), sending as ${fromAddress}`);
    }
    case 'AccountSmtpCleared':
      return account(`Own mail server ${event.data.host} removed: mail goes through the platform's server`);
    case 'MemberInvited':
      return { accountId: event.data.accountId, resourceType: 'invitation', resourceId: event.data.invitationId, summary: `${event.data.email} invited as ${event.data.role}` };
    case 'InvitationAccepted':
      return member(event.data.memberId, `${event.data.email} joined as ${event.data.role}`);
    case 'MemberRoleChanged':
      return member(event.data.memberId, `${event.data.email}'s role changed from ${event.data.fromRole} to ${event.data.toRole}`);
    case 'MemberRemoved':
      return member(event.data.memberId, `${event.data.email} removed`);
    case 'OwnershipTransferred':
      return member(event.data.toMemberId, `Ownership transferred to ${event.data.toEmail}`);
    default:
      return assertNever(event);
  }
};
