/** One stream per account: its quota and every request to raise it. */
export const quotaStream = (accountId: string) => `quota-${accountId}`;
