import { createHttpWebhookSender } from '../adapters/webhooks/http-webhook-sender.ts';
import type { WebhookSender } from '../ports/webhook-sender.ts';
import type { Config } from '../config.ts';
import type { Mailer, SmtpSettings } from '../ports/mailer.ts';
import type { ObjectStorage } from '../ports/object-storage.ts';
import type { SftpServer } from '../ports/sftp-server.ts';
import type { StorageAdmin } from '../ports/storage-admin.ts';
import { createMailer } from '../adapters/email/index.ts';
import { createSmtpHostGuard, type SmtpHostGuard } from '../adapters/email/smtp-host-guard.ts';
import { createMinioAdapters } from '../adapters/minio/index.ts';
import { createSftpgoServer } from '../adapters/sftpgo/index.ts';
import { fileServiceInvoiceGateway } from '../adapters/nfse/file-service-invoice-gateway.ts';
import type { ServiceInvoiceGateway } from '../ports/service-invoice-gateway.ts';

/** The outside world, as configured: null where a service is not, so its work waits visibly. */
export interface Integrations {
  objectStorage: ObjectStorage | null;
  storageAdmin: StorageAdmin | null;
  sftpServer: SftpServer | null;
  /** the S3 endpoint SFTPGo's users reach their buckets at */
  sftpS3: { endpoint: string; region: string } | null;
  mailer: Mailer & { close(): Promise<void> };
  platformSmtp: SmtpSettings | null;
  /** refuses an account's own SMTP server on an internal address (unless configured to allow it) */
  accountSmtpGuard: SmtpHostGuard;
  /** POSTs webhook messages, never to an internal address (loopback only with WEBHOOK_ALLOW_LOOPBACK) */
  webhookSender: WebhookSender;
  /** where NFS-e records go; null: the hook is off (NFSE_DIR unset) */
  serviceInvoiceGateway: ServiceInvoiceGateway | null;
  /** one line per integration, for the start-up log and ops status */
  describe(): string[];
  close(): Promise<void>;
}

export function openIntegrations(config: Config): Integrations {
  const minio = config.minio ? createMinioAdapters({ endpoint: config.minio.endpoint, accessKey: config.minio.accessKey, secretKey: config.minio.secretKey, region: config.minio.region }) : null;
  const storageAdmin = minio && config.minio?.admin ? minio.storageAdmin : null;
  const sftpServer = config.sftpgo ? createSftpgoServer({ baseUrl: config.sftpgo.url, adminUser: config.sftpgo.adminUser, adminPassword: config.sftpgo.adminPassword }) : null;
  const mailer = createMailer();
  const serviceInvoiceGateway = config.nfse ? fileServiceInvoiceGateway(config.nfse.directory) : null;
  const sftpS3 = config.sftpgo?.s3Endpoint ? { endpoint: config.sftpgo.s3Endpoint, region: config.minio?.region ?? 'us-east-1' } : null;
  return {
    objectStorage: minio?.objectStorage ?? null,
    storageAdmin,
    sftpServer,
    sftpS3,
    mailer,
    platformSmtp: config.smtp,
    accountSmtpGuard: createSmtpHostGuard({ allowInternal: config.accountSmtpInternalHosts === 'allow' }),
    webhookSender: createHttpWebhookSender({ allowLoopback: config.webhookAllowLoopback }),
    serviceInvoiceGateway,
    describe: () => [
      config.minio
        ? `S3: ${config.minio.endpoint}${storageAdmin ? ' (MinIO admin API: users, quotas, metrics)' : ' (no admin API: metering by listing only)'}`
        : 'S3: not configured (MINIO_ENDPOINT); bucket and key work waits, nothing is metered',
      config.sftpgo ? `SFTPGo: ${config.sftpgo.url}` : 'SFTPGo: not configured (SFTPGO_URL); SFTP users wait',
      config.smtp ? `SMTP: ${config.smtp.host}:${config.smtp.port}` : 'SMTP: not configured (SMTP_HOST, SMTP_FROM); mail waits unless an account has its own server',
      serviceInvoiceGateway ? serviceInvoiceGateway.description : 'NFS-e: off (NFSE_DIR); no service-invoice records are written',
    ],
    async close() {
      await mailer.close();
    },
  };
}
