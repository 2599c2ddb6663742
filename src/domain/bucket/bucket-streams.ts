export const bucketStream = (bucketId: string) => `bucket-${bucketId}`;
/** Category of the platform-wide name reservations: stream `bucketname-<name>`. */
export const BUCKET_NAME_CATEGORY = 'bucketname';
