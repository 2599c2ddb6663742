export const accountStream = (accountId: string) => `account-${accountId}`;
export const accountSlugStream = (slug: string) => `accountslug-${slug}`;
