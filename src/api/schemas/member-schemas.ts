import { z } from 'zod';
import { ROLES } from '../../domain/access/permissions.ts';

const invitableRole = z.enum(ROLES.filter((r) => r !== 'owner') as ['admin', 'billing', 'developer', 'read-only']);

export const MemberParams = z.object({ accountId: z.uuid(), memberId: z.uuid() });
export const TokenParams = z.object({ accountId: z.uuid(), tokenId: z.string().regex(/^[0-9a-f]{32}$/) });

export const InviteBody = z.strictObject({ email: z.email(), role: invitableRole });
export const AcceptInvitationBody = z.strictObject({
  token: z.string().min(1).max(200).describe('the cpi_… token from the invitation'),
  tokenName: z.string().trim().min(1).max(100).default('first token').describe('a name for the API token you get back'),
});
export const ChangeRoleBody = z.strictObject({ role: invitableRole });
export const TransferOwnershipBody = z.strictObject({ memberId: z.uuid().describe('the member who becomes owner; the current owner becomes admin') });
export const CreateTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  memberId: z.uuid().optional().describe('operators name the member; members get their own'),
});

export const MemberView = z.object({ memberId: z.string(), email: z.string(), role: z.enum(ROLES), joinedAt: z.string() }).meta({ id: 'Member' });
export const InvitationView = z
  .object({
    invitationId: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    status: z.enum(['pending', 'accepted', 'expired']),
    invitedAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'Invitation' });
export const InvitationCreatedView = z.object({
  invitationId: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  expiresAt: z.string(),
  invitationToken: z.string().describe('shown once; send it to the invitee'),
});
export const InvitationAcceptedView = z.object({
  accountId: z.string(),
  memberId: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  tokenId: z.string(),
  token: z.string().describe('shown once'),
});
export const ApiTokenView = z
  .object({
    tokenId: z.string(),
    name: z.string(),
    kind: z.enum(['operator', 'account', 'member']),
    memberId: z.string().nullable(),
    role: z.enum(ROLES).nullable(),
    status: z.enum(['active', 'revoked']),
    issuedAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export const TokenCreatedView = z.object({ tokenId: z.string(), memberId: z.string(), token: z.string().describe('shown once') });
