/**
 * The SFTP username is `cp-` and the account's slug, e.g. `cp-acme`. Slugs are unique and
 * never reused (src/domain/account/account-rules.ts), so neither is a username; the prefix
 * keeps tenants' users apart from anything else configured on the SFTP server (admins,
 * service users). A slug is 3 to 40 lowercase letters, digits or hyphens, so the username
 * is 6 to 43 characters that need escaping nowhere.
 */
export const SFTP_USERNAME_PREFIX = 'cp-';

export const sftpUsernameFor = (accountSlug: string) => `${SFTP_USERNAME_PREFIX}${accountSlug}`;
