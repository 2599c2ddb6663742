import { Client } from 'minio';
import type { ObjectStorage } from '../../ports/object-storage.ts';
import type { StorageAdmin } from '../../ports/storage-admin.ts';
import { bareOrigin, MinioAdmin, type MinioAdminOptions } from './minio-admin.ts';
import { S3ObjectStorage } from './s3-object-storage.ts';

/** The server's base URL (http://minio:9000 or https://s3.example.com), its credentials and region. */
export type MinioConnection = Omit<MinioAdminOptions, 'timeoutMs' | 'now'>;

/** The S3 calls (any S3-compatible server) and MinIO's admin API, on one set of credentials. */
export function createMinioAdapters(config: MinioConnection): { objectStorage: ObjectStorage; storageAdmin: StorageAdmin } {
  const url = bareOrigin(config.endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`MinIO endpoint must be an http or https URL, not ${url.protocol}`);
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
