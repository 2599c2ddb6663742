import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positive = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const ConfigSchema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: port(3000),
  /** absent: an embedded PostgreSQL in DATA_DIR */
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** absent: events go to the PostgreSQL event store */
  EVENTSTORE_CONNECTION_STRING: z.string().trim().regex(/^(esdb|esdb\+discover|kurrentdb|kdb):\/\//, 'must be an esdb:// connection string').optional(),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port(54329),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROJECTION_BATCH_SIZE: positive(500),
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
  /** cron expression (UTC) of the daily billing run for the month before; "off" disables it */
  BILLING_CRON: z.string().trim().min(1).default('30 3 * * *'),
  DUNNING_SUSPEND_AFTER_DAYS: positive(30),
  /** cron expression (UTC) of the daily dunning run; "off" disables it */
  DUNNING_CRON: z.string().trim().min(1).default('0 4 * * *'),
});

function decodeKey(value: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  return bytes.length === 32 ? bytes : null;
}

export type Config = Readonly<{
  host: string;
  port: number;
  databaseUrl: string | undefined;
  eventStoreConnectionString: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  projectionBatchSize: number;
  commandMaxAttempts: number;
  platformKey: Buffer | undefined;
  defaultAccountQuotaGiB: number;
  accessKeyRotationGraceHours: number;
  billingGraceHours: number;
  billingConcurrency: number;
  billingCron: string;
  dunningSuspendAfterDays: number;
  dunningCron: string;
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
  return Object.freeze({
    host: c.HOST,
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    eventStoreConnectionString: c.EVENTSTORE_CONNECTION_STRING,
    dataDir: c.DATA_DIR,
    embeddedPostgresPort: c.EMBEDDED_POSTGRES_PORT,
    logLevel: c.LOG_LEVEL,
    projectionBatchSize: c.PROJECTION_BATCH_SIZE,
    commandMaxAttempts: c.COMMAND_MAX_ATTEMPTS,
    platformKey: c.PLATFORM_KEY ? decodeKey(c.PLATFORM_KEY)! : undefined,
    defaultAccountQuotaGiB: c.DEFAULT_ACCOUNT_QUOTA_GIB,
    accessKeyRotationGraceHours: c.ACCESS_KEY_ROTATION_GRACE_HOURS,
    billingGraceHours: c.BILLING_GRACE_HOURS,
    billingConcurrency: c.BILLING_CONCURRENCY,
    billingCron: c.BILLING_CRON,
    dunningSuspendAfterDays: c.DUNNING_SUSPEND_AFTER_DAYS,
    dunningCron: c.DUNNING_CRON,
  });
}

