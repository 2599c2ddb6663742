import type { Kysely } from 'kysely';
import { issueAccountApiToken, issueApiToken, revokeApiToken, type IssuedToken } from '../commands/api-token-commands.ts';
import type { CommandContext } from '../commands/command-handler.ts';
import { auditInvoiceByNumber, type InvoiceAudit } from '../commands/invoice-audit.ts';
import { explainInvoiceByNumber, type InvoiceExplanation } from '../commands/invoice-explanation.ts';
import { createStateAt, type AccountSnapshot, type AsOf } from '../commands/state-at.ts';
import type { EventStore } from '../ports/event-store.ts';
import { findAccount } from '../projections/accounts/accounts-queries.ts';
import { accountBucketNames } from '../projections/buckets/bucket-queries.ts';
import { locateInvoiceByNumber } from '../projections/invoices/invoice-queries.ts';
import { reportLogHorizon, type LogHorizonReport } from '../projections/log-horizon.ts';
import { collectorRuns, type CollectorRunRow } from '../projections/usage/collector-run-queries.ts';
import type { LedgerDatabase } from './database.ts';
import type { LeaseView } from './leases.ts';
import { queriesOn } from './read-models.ts';

/** What `npm run ops` commands call, each a ready command or query: the ops files parse, call one, print. */
export interface OpsFunctions {
  /** an operator or metering token, printed once */
  issueApiToken(input: { name: string; scope: { kind: 'operator' } | { kind: 'metering' } }, context: CommandContext): Promise<IssuedToken>;
  /** an account-scoped token; NotFound when the log never opened the account */
  issueAccountApiToken(input: { name: string; accountId: string }, context: CommandContext): Promise<IssuedToken>;
  /** false: it was revoked already */
  revokeApiToken(tokenId: string, context: CommandContext): Promise<boolean>;
  /** the invoice issued with this number, replayed and compared; null: no such number */
  auditInvoice(number: string): Promise<InvoiceAudit | null>;
  /** how each line of the invoice with this number was computed; null: no such number */
  explainInvoice(number: string): Promise<InvoiceExplanation | null>;
  /** each metering collector's last run */
  collectorRuns(): Promise<CollectorRunRow[]>;
  /** the account as recorded at an instant, from the log */
  accountAt(accountId: string, at: AsOf): Promise<AccountSnapshot>;
  /** whether an open transaction holds the log back, and whose */
  logHorizon(): Promise<LogHorizonReport>;
  /** which process holds each projection, reactor and schedule lease */
  leaseHolders(): Promise<LeaseView[]>;
}

export interface OpsWiring {
  eventStore: EventStore;
  readModels: Kysely<LedgerDatabase>;
  /** brings read models up to the log before a read that names a thing just made (an invoice number) */
  catchUp(projections: string[]): Promise<void>;
  logStallMs: number;
  leaseHolders(): Promise<LeaseView[]>;
}

/** The ops CLI's command and query functions, built once (as routesOf builds the routes'). */
export function opsOf(wiring: OpsWiring): OpsFunctions {
  const { eventStore, readModels } = wiring;
  const on = queriesOn(readModels);
  const stateAt = createStateAt(eventStore);
  const locateByNumber = async (number: string) => {
    await wiring.catchUp(['invoices']);
    return on(locateInvoiceByNumber)(number);
  };
  return {
    issueApiToken: (input, context) => issueApiToken(eventStore, input, context),
    issueAccountApiToken: (input, context) => issueAccountApiToken(eventStore, input, context),
    revokeApiToken: async (tokenId, context) => (await revokeApiToken(eventStore, tokenId, context)).events.length > 0,
    auditInvoice: (number) => auditInvoiceByNumber({ eventStore, locateInvoiceByNumber: locateByNumber }, number),
    explainInvoice: (number) =>
      explainInvoiceByNumber({ eventStore, accountOf: on(findAccount), bucketNames: on(accountBucketNames), locateInvoiceByNumber: locateByNumber }, number),
    collectorRuns: on(collectorRuns),
    accountAt: stateAt.snapshot,
    logHorizon: () => reportLogHorizon(eventStore, wiring.logStallMs),
    leaseHolders: wiring.leaseHolders,
  };
}
