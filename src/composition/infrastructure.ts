import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { Leases } from '../ports/leases.ts';
import { AdvisoryLeases } from '../adapters/postgres/advisory-leases.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import type { SampleKeyClaims } from '../ports/sample-key-claims.ts';
import { PostgresSampleKeyClaims } from '../adapters/postgres/sample-key-claims.ts';
import { PostgresSecretSealer } from '../adapters/secrets/postgres-secret-sealer.ts';
import { UpcastingEventStore } from '../adapters/event-store/upcasting-event-store.ts';
import { EVENT_SCHEMAS } from '../domain/event-schemas.ts';
import type { LedgerDatabase } from './database.ts';
import { EventStoreDbEventStore } from '../adapters/event-store/eventstoredb-event-store.ts';
import { PostgresEventStore } from '../adapters/event-store/postgres-event-store.ts';
import { createKysely, createPool } from '../adapters/postgres/database.ts';
import { startEmbeddedPostgres } from '../adapters/postgres/embedded-postgres.ts';
import { migrateReadModels } from '../adapters/postgres/migrate.ts';

export interface Infrastructure {
  eventStore: EventStore;
  secrets: SecretSealer;
  /** the primary: projections, checkpoints, reactor jobs, idempotency keys and every command read and write here */
  readModels: Kysely<LedgerDatabase>;
  /**
   * What the read routes query: a replica (DATABASE_READ_URL), or `readModels` itself without one.
   * `?after=` checks the checkpoints here too, so a read that follows a write waits for this database.
   */
  reads: Kysely<LedgerDatabase>;
  /** where event ids are unique per stream only (EventStoreDB): usage sample keys claimed in PostgreSQL; null otherwise */
  sampleKeyClaims: SampleKeyClaims | null;
  /** which process runs each projection, reactor and schedule (advisory locks on a connection of their own) */
  leases: Leases;
  /** what start-up reports: where the data lives */
  description: { postgres: string; eventStore: string; reads: string };
  checkPostgres(): Promise<void>;
  /** the replica's own check; null without one */
  checkReadReplica: (() => Promise<void>) | null;
  close(): Promise<void>;
}

/**
 * Connects the stores the configuration names, starting an embedded PostgreSQL when it
 * names none, and brings both schemas up to date.
 */
export async function openInfrastructure(config: Config, log: (line: string) => void = () => undefined): Promise<Infrastructure> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
  };
  try {
    let connectionString = config.databaseUrl;
    let postgresDescription = 'PostgreSQL from DATABASE_URL';
    if (!connectionString) {
      const dataDir = path.resolve(config.dataDir);
      log(`starting embedded PostgreSQL in ${dataDir} on 127.0.0.1:${config.embeddedPostgresPort}`);
      const embedded = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort, database: 'cloudpro', persistent: true, onNotice: log });
      closers.push(embedded.stop);
      connectionString = embedded.connectionString;
      postgresDescription = `embedded PostgreSQL${embedded.attached ? ' (already running, shared)' : ''}, data in ${embedded.clusterDir}, 127.0.0.1:${embedded.port}`;
    }
    const limits = {
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      idleInTransactionTimeoutMs: config.databaseIdleInTransactionTimeoutMs,
      poolIdleMs: config.databasePoolIdleMs,
    };
    const pool = createPool(connectionString, config.databasePoolSize, (error) => log(`PostgreSQL connection lost: ${error.message}`), limits);
    const readModels = createKysely<LedgerDatabase>(pool);
    closers.push(() => readModels.destroy());
    await migrateReadModels(readModels);
    // The replica is read-only and follows the primary's schema: nothing is migrated there.
    const replicaPool = config.databaseReadUrl
      ? createPool(config.databaseReadUrl, config.databasePoolSize, (error) => log(`PostgreSQL read replica connection lost: ${error.message}`), limits)
      : null;
    const reads = replicaPool ? createKysely<LedgerDatabase>(replicaPool) : readModels;
    if (replicaPool) closers.push(() => reads.destroy());

    let eventStore: EventStore;
    let eventStoreDescription: string;
    if (config.eventStoreConnectionString) {
      const esdb = EventStoreDbEventStore.connect(config.eventStoreConnectionString);
      closers.push(() => esdb.close());
      eventStore = esdb;
      eventStoreDescription = `EventStoreDB at ${redactCredentials(config.eventStoreConnectionString)}`;
    } else {
      const postgresStore = new PostgresEventStore(pool);
      await postgresStore.migrate();
      eventStore = postgresStore;
      eventStoreDescription = 'PostgreSQL event store (es_events table, same database)';
    }
    const leases = new AdvisoryLeases({ connectionString, holder: holderName(config), checkMs: config.leaseCheckMs, log });
    closers.push(() => leases.close());
    const platformKey = config.platformKey ?? (await loadOrCreatePlatformKey(path.resolve(config.dataDir, 'platform-key')));
    return {
      // every reader gets events at the shape its code knows (domain/event-schemas.ts)
      eventStore: new UpcastingEventStore(eventStore, EVENT_SCHEMAS),
      secrets: new PostgresSecretSealer(readModels, platformKey),
      sampleKeyClaims: eventStore.eventIdsUniqueAcrossStreams ? null : new PostgresSampleKeyClaims(readModels),
      readModels,
      reads,
      leases,
      description: {
        postgres: postgresDescription,
        eventStore: eventStoreDescription,
        reads: config.databaseReadUrl ? `read replica at ${redactCredentials(config.databaseReadUrl)}` : 'the primary (no DATABASE_READ_URL)',
      },
      checkPostgres: async () => {
        await pool.query('SELECT 1');
      },
      checkReadReplica: replicaPool
        ? async () => {
            await replicaPool.query('SELECT 1');
          }
        : null,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Development convenience: without PLATFORM_KEY a key is made once and kept beside the data, never in the repository. */
async function loadOrCreatePlatformKey(file: string): Promise<Buffer> {
  if (existsSync(file)) return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  await mkdir(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}

/** This process as ops status names a lease's holder: pid and port first, PostgreSQL keeps 63 bytes. */
function holderName(config: Config): string {
  return `cloudpro pid ${process.pid} port ${config.port} ${config.serviceRoles.join(',')} ${os.hostname()}`;
}

function redactCredentials(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//***@');
}
