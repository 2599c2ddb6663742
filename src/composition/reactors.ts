import { createAccessKeyCommands } from '../commands/access-key-commands.ts';
import { createBucketCommands } from '../commands/bucket-commands.ts';
import { createSftpUserCommands } from '../commands/sftp-user-commands.ts';
import { portalUrlOf, type Config } from '../config.ts';
import type { ProjectionRunner } from '../projections/projection-runner.ts';
import { accessKeyProvisioningReactor } from '../reactors/access-key-provisioning-reactor.ts';
import { bucketProvisioningReactor } from '../reactors/bucket-provisioning-reactor.ts';
import { emailReactor } from '../reactors/email-reactor.ts';
import type { Reactor } from '../reactors/reactor.ts';
import { sftpProvisioningReactor } from '../reactors/sftp-provisioning-reactor.ts';
import { webhookReactor } from '../reactors/webhook-reactor.ts';
import { serviceInvoiceReactor } from '../reactors/service-invoice-reactor.ts';
import type { Infrastructure } from './infrastructure.ts';
import type { Integrations } from './integrations.ts';
import { queriesOn } from './read-models.ts';
import { accountKeyIds } from '../projections/access-keys/access-key-queries.ts';
import { accountStoredBucketNames } from '../projections/buckets/bucket-queries.ts';

/** Every reactor: the work the outside world is owed, each fed from the log with its own checkpoint. */
export function reactorsOf(infrastructure: Pick<Infrastructure, 'eventStore' | 'readModels' | 'secrets'>, integrations: Integrations, config: Config, runner: ProjectionRunner): Reactor[] {
  const { eventStore, readModels, secrets } = infrastructure;
  const on = queriesOn(readModels);
  return [
    bucketProvisioningReactor({ objectStorage: integrations.objectStorage, storageAdmin: integrations.storageAdmin, buckets: createBucketCommands(eventStore) }),
    accessKeyProvisioningReactor({
      storageAdmin: integrations.storageAdmin,
      secrets,
      accessKeys: createAccessKeyCommands({ eventStore, secrets, keyRotationGraceHours: config.accessKeyRotationGraceHours }),
      eventStore,
      accountStoredBucketNames: on(accountStoredBucketNames),
      accountKeyIds: on(accountKeyIds),
      projectionLag: (projection) => runner.lagOf(projection),
    }),
    sftpProvisioningReactor({
      sftpServer: integrations.sftpServer,
      storageAdmin: integrations.storageAdmin,
      s3: integrations.sftpS3,
      secrets,
      sftpUsers: createSftpUserCommands({ eventStore, secrets }),
      eventStore,
    }),
    emailReactor({
      mailer: integrations.mailer,
      platformSmtp: integrations.platformSmtp,
      eventStore,
      secrets,
      portalUrl: portalUrlOf(config),
      checkAccountSmtpHost: integrations.accountSmtpGuard,
    }),
    webhookReactor({ eventStore, secrets, send: integrations.webhookSender }),
    // off unless configured: no checkpoint and no waiting jobs for a hook nobody asked for
    ...(integrations.serviceInvoiceGateway && config.nfse
      ? [serviceInvoiceReactor({ gateway: integrations.serviceInvoiceGateway, eventStore, service: config.nfse.service })]
      : []),
  ];
}
