import { Client } from 'minio';
import type { ObjectStorage } from '../../ports/object-storage.ts';
import type { StorageAdmin } from '../../ports/storage-admin.ts';
import { MinioAdmin } from './minio-admin.ts';
import { S3ObjectStorage } from './s3-object-storage.ts';

export interface MinioConnection {
  /** the server's base URL: http://minio:9000 or https://s3.example.com */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** how the server guards its metrics (MINIO_PROMETHEUS_AUTH_TYPE); MinIO's default is "jwt" */
  metricsAuth?: 'jwt' | 'public';
}

/** The S3 calls (any S3-compatible server) and MinIO's admin API, on one set of credentials. */
export function createMinioAdapters(config: MinioConnection): { objectStorage: ObjectStorage; storageAdmin: StorageAdmin } {
  const url = new URL(config.endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`MinIO endpoint must be an http or https URL, not ${url.protocol}`);
  if (url.pathname !== '/' || url.search) throw new Error(`MinIO endpoint must be a bare origin such as http://minio:9000, not ${url.origin}${url.pathname}`);
  const useSSL = url.protocol === 'https:';
  const client = new Client({
    endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    region: config.region,
    // MinIO serves every bucket under the one host
    pathStyle: true,
  });
  return {
    objectStorage: new S3ObjectStorage(client, { region: config.region }),
    storageAdmin: new MinioAdmin({ ...config, endpoint: url.origin }),
  };
}
