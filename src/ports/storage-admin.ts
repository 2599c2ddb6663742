/**
 * MinIO's admin REST API (the calls `mc admin` makes): users, policies, bucket quotas and
 * the bucket metrics. Only MinIO has it; an S3-compatible server without it is metered by
 * listing (ObjectStorage.measureBucket) instead.
 */
export interface StorageAdmin {
  /** the user, or null when MinIO does not know it */
  getUser(accessKey: string): Promise<{ accessKey: string; status: 'enabled' | 'disabled'; policyNames: string[] } | null>;
  /** creates or updates the user (MinIO's add-user is an upsert); the secret travels encrypted as madmin does */
  putUser(accessKey: string, secretKey: string): Promise<void>;
  setUserStatus(accessKey: string, status: 'enabled' | 'disabled'): Promise<void>;
  /** succeeds when the user is already gone */
  removeUser(accessKey: string): Promise<void>;
  /** creates or replaces a canned policy (an IAM policy document) */
  putPolicy(name: string, document: IamPolicyDocument): Promise<void>;
  /** succeeds when the policy is already gone */
  removePolicy(name: string): Promise<void>;
  /** attaches exactly these policies to the user (replacing what was attached) */
  setUserPolicies(accessKey: string, policyNames: readonly string[]): Promise<void>;
  /** hard quota in bytes; null removes the quota */
  setBucketQuota(bucket: string, quotaBytes: bigint | null): Promise<void>;
  /** MinIO's bucket metrics (Prometheus text, /minio/v2/metrics/bucket), parsed */
  bucketMetrics(): Promise<BucketMetricsReading[]>;
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: { Effect: 'Allow' | 'Deny'; Action: string[]; Resource: string[] }[];
}

/**
 * One bucket as MinIO's metrics report it: the cluster's stored bytes, and each node's own
 * cumulative counters (since that node started). Counters are kept per node because nodes
 * restart on their own: a sum across nodes would drop when one of them restarts and read as
 * a restart of them all.
 */
export interface BucketMetricsReading {
  bucket: string;
  /** bytes stored now (minio_bucket_usage_total_bytes): one figure for the whole cluster */
  storedBytes: bigint;
  /** one entry per node that reported counters for the bucket; a node that did not is absent */
  counters: NodeCounters[];
}

/** One node's cumulative counters for one bucket. */
export interface NodeCounters {
  /** MinIO's `server` label (host:port of the node that counted) */
  server: string;
  /** cumulative bytes sent to clients (minio_bucket_traffic_sent_bytes) */
  sentBytes: bigint;
  /** cumulative bytes received from clients (minio_bucket_traffic_received_bytes) */
  receivedBytes: bigint;
  /** cumulative class A requests (PUT, POST, COPY, LIST) from minio_bucket_requests_total by api */
  requestsA: bigint;
  /** cumulative class B requests (GET, HEAD, others; DELETE is free and not counted) */
  requestsB: bigint;
}
