export const accessKeyStream = (keyId: string) => `accesskey-${keyId}`;
