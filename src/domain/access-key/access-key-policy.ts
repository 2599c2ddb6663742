import type { AccessKeyPermission } from './access-key-rules.ts';

/** The shape MinIO takes for a canned policy (IAM's policy language). */
export interface KeyPolicyDocument {
  Version: '2012-10-17';
  Statement: { Effect: 'Allow'; Action: string[]; Resource: string[] }[];
}

const BUCKET_READ = ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketVersions'];
const OBJECT_READ = ['s3:GetObject', 's3:GetObjectVersion'];
const BUCKET_WRITE = ['s3:ListBucketMultipartUploads', 's3:GetBucketLocation'];
const OBJECT_WRITE = ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

/** The MinIO policy named after the key: one per key, replaced whenever its buckets change. */
export const keyPolicyName = (keyId: string) => `cloudpro-key-${keyId}`;

/**
 * What a key may do, on exactly its buckets (by their S3 names): listing and reading for
 * `read`, writing and deleting objects for `write`, both for `read-write`. Null when the
 * key reaches no bucket (yet): it then gets no policy at all, which in MinIO allows nothing.
 */
export function keyPolicy(permission: AccessKeyPermission, bucketNames: readonly string[]): KeyPolicyDocument | null {
  if (bucketNames.length === 0) return null;
  const names = [...new Set(bucketNames)].sort();
  const reads = permission === 'read' || permission === 'read-write';
  const writes = permission === 'write' || permission === 'read-write';
  const bucketActions = [...new Set([...(reads ? BUCKET_READ : []), ...(writes ? BUCKET_WRITE : [])])];
  const objectActions = [...(reads ? OBJECT_READ : []), ...(writes ? OBJECT_WRITE : [])];
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: bucketActions, Resource: names.map((name) => `arn:aws:s3:::${name}`) },
      { Effect: 'Allow', Action: objectActions, Resource: names.map((name) => `arn:aws:s3:::${name}/*`) },
    ],
  };
}
