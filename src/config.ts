import { z } from 'zod';
import { checkDocument, checkEmail, checkName } from './domain/account/account-rules.ts';
import { checkPostalAddress, type PostalAddress } from './domain/account/postal-address.ts';
import type { FieldIssue } from './domain/errors.ts';
import type { InvoiceParty } from './domain/invoice/invoice-parties.ts';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positive = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** The parts of the service a process runs (SERVICE_ROLES). */
export const SERVICE_ROLES = ['api', 'projections', 'reactors', 'schedules'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

const ConfigSchema = z.object({
  /** comma-separated parts this process runs: api, projections, reactors, schedules; default all of them */
  SERVICE_ROLES: z
    .string()
    .default(SERVICE_ROLES.join(','))
    .transform((value) => [...new Set(value.split(',').map((role) => role.trim().toLowerCase()).filter((role) => role !== ''))])
    .superRefine((roles, ctx) => {
      const unknown = roles.filter((role) => !(SERVICE_ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}; the roles are ${SERVICE_ROLES.join(', ')}` });
      else if (roles.length === 0) ctx.addIssue({ code: 'custom', message: `names no role; the roles are ${SERVICE_ROLES.join(', ')}` });
    })
    .transform((roles) => roles as ServiceRole[]),
  /** how often a process tries for the leases it does not hold, and checks the session of those it holds (100 ms .. 60 s) */
  LEASE_CHECK_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: port(3000),
  /** absent: an embedded PostgreSQL in DATA_DIR */
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** a read replica of DATABASE_URL's database for the read routes' queries; absent: they read the primary */
  DATABASE_READ_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** absent: events go to the PostgreSQL event store */
  EVENTSTORE_CONNECTION_STRING: z.string().trim().regex(/^(esdb|esdb\+discover|kurrentdb|kdb):\/\//, 'must be an esdb:// connection string').optional(),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port(54329),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROJECTION_BATCH_SIZE: positive(500),
  /** how long a read with ?after= waits for its read models, in ms */
  READ_AFTER_WAIT_MS: positive(5000),
  COMMAND_MAX_ATTEMPTS: positive(5),
  /** 32 bytes, base64 or hex; absent: generated once and kept in DATA_DIR/platform-key */
  PLATFORM_KEY: z
    .string()
    .trim()
    .refine((value) => decodeKey(value) !== null, 'must be 32 bytes, as 64 hex digits or base64')
    .optional(),
  DEFAULT_ACCOUNT_QUOTA_GIB: positive(100),
  ACCESS_KEY_ROTATION_GRACE_HOURS: positive(24),
  /** a drafted invoice waits this long after its period ends for late usage, then is issued */
  BILLING_GRACE_HOURS: z.coerce.number().int().min(0).default(24),
  BILLING_CONCURRENCY: positive(4),
  /** an invoice is due no sooner than this many days after its issue date (in the account's zone): 1 to 90, default 10 */
  INVOICE_MIN_DAYS_TO_PAY: z.coerce.number().int().min(1).max(90).default(10),
  /** cron expression (UTC) of the daily billing run for the month before; "off" disables it */
  BILLING_CRON: z.string().trim().min(1).default('30 3 * * *'),
  DUNNING_SUSPEND_AFTER_DAYS: positive(30),
  /** cron expression (UTC) of the daily dunning run; "off" disables it */
  DUNNING_CRON: z.string().trim().min(1).default('0 4 * * *'),

  /** the platform as every invoice names it (the issuer); the defaults are placeholders to replace in production */
  ISSUER_LEGAL_NAME: z.string().trim().default('CloudPro Serviços de Armazenamento Ltda').refine(fits(checkName), 'must be 1 to 200 characters'),
  ISSUER_DOCUMENT: z.string().trim().default('11.222.333/0001-81').refine(fits(checkDocument), 'must be a valid CNPJ (or CPF)'),
  ISSUER_EMAIL: z.string().trim().default('financeiro@cloudpro.example').refine(fits(checkEmail), 'must be an email address'),
  ISSUER_MUNICIPAL_REGISTRATION: z.string().trim().regex(/^[0-9A-Za-z./-]{1,20}$/, 'must be 1 to 20 letters, digits, dots, slashes or hyphens').optional(),
  ISSUER_STREET: z.string().trim().default('Avenida Paulista'),
  ISSUER_NUMBER: z.string().trim().default('1000'),
  ISSUER_COMPLEMENT: z.string().trim().optional(),
  ISSUER_DISTRICT: z.string().trim().default('Bela Vista'),
  ISSUER_CITY: z.string().trim().default('São Paulo'),
  ISSUER_STATE: z.string().trim().default('SP'),
  ISSUER_POSTAL_CODE: z.string().trim().default('01310-100'),
  ISSUER_COUNTRY: z.string().trim().default('BR'),
  ISSUER_MUNICIPALITY_CODE: z.string().trim().default('3550308'),
  /** the tax every invoice line names; its rate is the plan version's `taxRate` */
  INVOICE_TAX_NAME: z.string().trim().min(1).max(40).default('ISS'),
  /** where NFS-e records are written, one JSON file per issued invoice; unset: off */
  NFSE_DIR: z.string().trim().min(1).optional(),
  /** the service's item in the municipality's list (LC 116/2003): 1.03 is data processing, storage or hosting */
  NFSE_SERVICE_CODE: z.string().trim().regex(/^\d{1,2}\.\d{2}$/, 'must be an item of the LC 116/2003 list, such as 1.03').default('1.03'),
  NFSE_SERVICE_DESCRIPTION: z.string().trim().min(1).max(200).default('Armazenamento de dados em nuvem (object storage)'),

  /** the S3 server (MinIO); absent: bucket and key work waits, nothing is metered */
  MINIO_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  MINIO_ACCESS_KEY: z.string().trim().min(1).optional(),
  MINIO_SECRET_KEY: z.string().min(1).optional(),
  MINIO_REGION: z.string().trim().min(1).default('us-east-1'),
  /** "off" for an S3-compatible server that is not MinIO: no admin API (users, quotas, metrics) */
  MINIO_ADMIN: z.enum(['on', 'off']).default('on'),
  /** cron (UTC) of the MinIO metrics collector; "off" disables it */
  METERING_CRON: z.string().trim().min(1).default('*/5 * * * *'),
  /** cron (UTC) of the listing collector (any S3 server, storage only); "off" disables it */
  LISTING_METERING_CRON: z.string().trim().min(1).default('off'),

  SFTPGO_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  SFTPGO_ADMIN_USER: z.string().trim().min(1).optional(),
  SFTPGO_ADMIN_PASSWORD: z.string().min(1).optional(),
  /** the S3 endpoint as SFTPGo reaches it (inside compose, not localhost); default MINIO_ENDPOINT */
  SFTPGO_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),

  /** the platform's SMTP server; absent: mail waits (accounts with their own server still get theirs) */
  SMTP_HOST: z.string().trim().min(1).optional(),
  SMTP_PORT: port(587),
  /** "true": TLS from the first byte (port 465); otherwise STARTTLS when offered */
  SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  SMTP_USER: z.string().trim().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  /** e.g. "CloudPro <billing@example.com>" */
  SMTP_FROM: z.string().trim().min(3).optional(),
  /** "allow" lets an account's own SMTP server be an internal address (development, tests) */
  ACCOUNT_SMTP_INTERNAL_HOSTS: z.enum(['refuse', 'allow']).default('refuse'),
  /** "true" lets webhooks point at loopback, plain http:// too, and reach this machine (development, tests) */
  WEBHOOK_ALLOW_LOOPBACK: z.enum(['true', 'false']).default('false'),
  /** base of links in mail (invitations); unset: invitation mail waits */
  PORTAL_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /** cron (UTC) of the check for keys expiring within 7 days; "off" disables it */
  KEY_EXPIRY_CRON: z.string().trim().min(1).default('0 6 * * *'),
  /** cron (UTC) of the quota warning check (80 % and 100 %); "off" disables it */
  QUOTA_CHECK_CRON: z.string().trim().min(1).default('*/15 * * * *'),
  REACTOR_MAX_ATTEMPTS: positive(12),
  REACTOR_RETRY_BASE_MS: positive(2000),
  /** how long a request holds its Idempotency-Key before a retry may take it over (the holder died): 1 to 3600 s, default 60 */
  IDEMPOTENCY_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** every statement of the service's PostgreSQL connections is cancelled after this (1 s .. 1 h) */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** a connection of the service left idle inside a transaction is closed after this (1 s .. 1 h): it would hold every log reader back */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /**
   * how long a pooled PostgreSQL connection may sit idle before it is closed: 0 (the default)
   * keeps every connection once opened, or 1 s .. 1 h. The pool hands out its most recently
   * used connection, so under a steady load the others idle out and are opened again at the
   * next burst: a new backend's first queries are slow, which showed as periodic stalls.
   */
  /**
   * connections each pool (the primary's, and the replica's) opens at most (2 .. 200). More
   * queries at once than PostgreSQL has cores to run them only queue inside it, where nothing
   * orders them: under a burst the service's own CPU is then shared with every backend.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  DATABASE_POOL_IDLE_MS: z.coerce.number().int().refine((ms) => ms === 0 || (ms >= 1000 && ms <= 3_600_000), '0 (never close) or 1000 to 3600000').default(0),
  /** events written but invisible to readers for longer than this make ops status and /health name the transaction holding them (1 .. 3600 s) */
  LOG_STALL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** how far ahead of the clock a usage sample may be dated (a collector's clock running fast): 0 to 1 h, e.g. 300s, 5m */
  USAGE_MAX_CLOCK_SKEW: z
    .string()
    .trim()
    .regex(/^\d{1,7}(s|m|h)?$/, 'must be a duration such as 300s, 5m or 1h (plain digits are seconds)')
    .default('5m')
    .transform(durationMs)
    .refine((ms) => ms <= 3_600_000, 'must be at most 1h'),
});

/** A domain check as a refinement: true when it finds nothing wrong. */
function fits(check: (value: string, path: string, issues: FieldIssue[]) => unknown) {
  return (value: string) => {
    const issues: FieldIssue[] = [];
    check(value, '', issues);
    return issues.length === 0;
  };
}

function durationMs(value: string): number {
  const unit = value.at(-1)!;
  const scale = unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1_000;
  return Number(/\d$/.test(unit) ? value : value.slice(0, -1)) * scale;
}

/** Variables that only make sense together: all of them, or none. */
const GROUPS: Record<string, readonly string[]> = {
  MinIO: ['MINIO_ENDPOINT', 'MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY'],
  SFTPGo: ['SFTPGO_URL', 'SFTPGO_ADMIN_USER', 'SFTPGO_ADMIN_PASSWORD'],
  SMTP: ['SMTP_HOST', 'SMTP_FROM'],
  'SMTP login': ['SMTP_USER', 'SMTP_PASSWORD'],
};

function decodeKey(value: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  return bytes.length === 32 ? bytes : null;
}

export type Config = Readonly<{
  serviceRoles: readonly ServiceRole[];
  leaseCheckMs: number;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  /** where the read routes' queries go (a replica); undefined: the primary */
  databaseReadUrl: string | undefined;
  eventStoreConnectionString: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  projectionBatchSize: number;
  readAfterWaitMs: number;
  commandMaxAttempts: number;
  platformKey: Buffer | undefined;
  defaultAccountQuotaGiB: number;
  accessKeyRotationGraceHours: number;
  billingGraceHours: number;
  billingConcurrency: number;
  invoiceMinDaysToPay: number;
  billingCron: string;
  dunningSuspendAfterDays: number;
  dunningCron: string;
  /** who issues the invoices, and the name of the tax their lines bear */
  invoicing: { issuer: InvoiceParty; taxName: string };
  /** the NFS-e hook: null when off (NFSE_DIR unset) */
  nfse: { directory: string; service: { code: string; description: string } } | null;
  minio: { endpoint: string; accessKey: string; secretKey: string; region: string; admin: boolean } | null;
  meteringCron: string;
  listingMeteringCron: string;
  sftpgo: { url: string; adminUser: string; adminPassword: string; s3Endpoint: string | null } | null;
  smtp: { host: string; port: number; secure: boolean; auth: { user: string; pass: string } | null; from: string } | null;
  accountSmtpInternalHosts: 'refuse' | 'allow';
  webhookAllowLoopback: boolean;
  portalUrl: string | null;
  keyExpiryCron: string;
  quotaCheckCron: string;
  reactorMaxAttempts: number;
  reactorRetryBaseMs: number;
  idempotencyLeaseMs: number;
  databaseStatementTimeoutMs: number;
  databaseIdleInTransactionTimeoutMs: number;
  databasePoolSize: number;
  databasePoolIdleMs: number;
  logStallSeconds: number;
  usageMaxClockSkewMs: number;
}>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Read once at start-up; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set": `FOO= npm start` should not be an error.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const c = parsed.data;
  const addressIssues: FieldIssue[] = [];
  const issuerAddress = checkPostalAddress(
    {
      street: c.ISSUER_STREET,
      number: c.ISSUER_NUMBER,
      ...(c.ISSUER_COMPLEMENT ? { complement: c.ISSUER_COMPLEMENT } : {}),
      district: c.ISSUER_DISTRICT,
      city: c.ISSUER_CITY,
      state: c.ISSUER_STATE,
      postalCode: c.ISSUER_POSTAL_CODE,
      country: c.ISSUER_COUNTRY,
      ...(c.ISSUER_COUNTRY === 'BR' ? { municipalityCode: c.ISSUER_MUNICIPALITY_CODE } : {}),
    },
    '',
    addressIssues,
  );
  if (addressIssues.length > 0) {
    const variable = (field: string) => `ISSUER_${field.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
    throw new ConfigError(`invalid configuration:\n  ${addressIssues.map((issue) => `${variable(issue.path)}: ${issue.message}`).join('\n  ')}`);
  }
  // A replica of the embedded cluster is not a set-up the service makes: name the primary too.
  if (c.DATABASE_READ_URL && !c.DATABASE_URL) throw new ConfigError('invalid configuration:\n  DATABASE_URL: needed with DATABASE_READ_URL (the primary its replica follows)');
  for (const [name, variables] of Object.entries(GROUPS)) {
    const set = variables.filter((v) => v in present);
    if (set.length > 0 && set.length < variables.length) {
      const missing = variables.filter((v) => !(v in present));
      throw new ConfigError(`invalid configuration:\n  ${missing.join(', ')}: needed with ${set.join(', ')} (${name} takes ${variables.join(', ')})`);
    }
  }
  return Object.freeze({
    serviceRoles: c.SERVICE_ROLES,
    leaseCheckMs: c.LEASE_CHECK_MS,
    host: c.HOST,
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    databaseReadUrl: c.DATABASE_READ_URL,
    eventStoreConnectionString: c.EVENTSTORE_CONNECTION_STRING,
    dataDir: c.DATA_DIR,
    embeddedPostgresPort: c.EMBEDDED_POSTGRES_PORT,
    logLevel: c.LOG_LEVEL,
    projectionBatchSize: c.PROJECTION_BATCH_SIZE,
    readAfterWaitMs: c.READ_AFTER_WAIT_MS,
    commandMaxAttempts: c.COMMAND_MAX_ATTEMPTS,
    platformKey: c.PLATFORM_KEY ? decodeKey(c.PLATFORM_KEY)! : undefined,
    defaultAccountQuotaGiB: c.DEFAULT_ACCOUNT_QUOTA_GIB,
    accessKeyRotationGraceHours: c.ACCESS_KEY_ROTATION_GRACE_HOURS,
    billingGraceHours: c.BILLING_GRACE_HOURS,
    billingConcurrency: c.BILLING_CONCURRENCY,
    invoiceMinDaysToPay: c.INVOICE_MIN_DAYS_TO_PAY,
    billingCron: c.BILLING_CRON,
    dunningSuspendAfterDays: c.DUNNING_SUSPEND_AFTER_DAYS,
    dunningCron: c.DUNNING_CRON,
    invoicing: {
      issuer: {
        legalName: c.ISSUER_LEGAL_NAME,
        document: checkDocument(c.ISSUER_DOCUMENT, '', [])!,
        address: issuerAddress as PostalAddress,
        email: c.ISSUER_EMAIL,
        ...(c.ISSUER_MUNICIPAL_REGISTRATION ? { municipalRegistration: c.ISSUER_MUNICIPAL_REGISTRATION } : {}),
      },
      taxName: c.INVOICE_TAX_NAME,
    },
    nfse: c.NFSE_DIR ? { directory: c.NFSE_DIR, service: { code: c.NFSE_SERVICE_CODE, description: c.NFSE_SERVICE_DESCRIPTION } } : null,
    minio:
      c.MINIO_ENDPOINT && c.MINIO_ACCESS_KEY && c.MINIO_SECRET_KEY
        ? { endpoint: c.MINIO_ENDPOINT, accessKey: c.MINIO_ACCESS_KEY, secretKey: c.MINIO_SECRET_KEY, region: c.MINIO_REGION, admin: c.MINIO_ADMIN === 'on' }
        : null,
    meteringCron: c.METERING_CRON,
    listingMeteringCron: c.LISTING_METERING_CRON,
    sftpgo:
      c.SFTPGO_URL && c.SFTPGO_ADMIN_USER && c.SFTPGO_ADMIN_PASSWORD
        ? { url: c.SFTPGO_URL, adminUser: c.SFTPGO_ADMIN_USER, adminPassword: c.SFTPGO_ADMIN_PASSWORD, s3Endpoint: c.SFTPGO_S3_ENDPOINT ?? c.MINIO_ENDPOINT ?? null }
        : null,
    smtp:
      c.SMTP_HOST && c.SMTP_FROM
        ? {
            host: c.SMTP_HOST,
            port: c.SMTP_PORT,
            secure: c.SMTP_SECURE === 'true',
            auth: c.SMTP_USER && c.SMTP_PASSWORD ? { user: c.SMTP_USER, pass: c.SMTP_PASSWORD } : null,
            from: c.SMTP_FROM,
          }
        : null,
    accountSmtpInternalHosts: c.ACCOUNT_SMTP_INTERNAL_HOSTS,
    webhookAllowLoopback: c.WEBHOOK_ALLOW_LOOPBACK === 'true',
    portalUrl: c.PORTAL_URL ?? null,
    keyExpiryCron: c.KEY_EXPIRY_CRON,
    quotaCheckCron: c.QUOTA_CHECK_CRON,
    reactorMaxAttempts: c.REACTOR_MAX_ATTEMPTS,
    reactorRetryBaseMs: c.REACTOR_RETRY_BASE_MS,
    idempotencyLeaseMs: c.IDEMPOTENCY_LEASE_SECONDS * 1000,
    databaseStatementTimeoutMs: c.DATABASE_STATEMENT_TIMEOUT_MS,
    databaseIdleInTransactionTimeoutMs: c.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    databasePoolIdleMs: c.DATABASE_POOL_IDLE_MS,
    logStallSeconds: c.LOG_STALL_SECONDS,
    usageMaxClockSkewMs: c.USAGE_MAX_CLOCK_SKEW,
  });
}


/**
 * The base of the links in mail (the invitation's accept page): PORTAL_URL, or the portal this
 * service serves itself at /portal. A wildcard listen address is reached as localhost.
 */
export function portalUrlOf(config: Pick<Config, 'portalUrl' | 'host' | 'port'>): string {
  if (config.portalUrl !== null) return config.portalUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}/portal`;
}
