import S3rver from '@20minutes/s3rver';
import * as Minio from 'minio';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real S3 server in this process (s3rver, files in a temporary directory) on 127.0.0.1. */
export async function startS3rver(port = 0): Promise<{ port: number; client: Minio.Client; close: () => Promise<void> }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'cpl-s3rver-'));
  const server = new S3rver({ port, address: '127.0.0.1', silent: process.env.S3RVER_LOG !== '1', directory });
  const address = (await server.run()) as { port: number };
  const client = new Minio.Client({ endPoint: '127.0.0.1', port: address.port, useSSL: false, accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' });
  return {
    port: address.port,
    client,
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
