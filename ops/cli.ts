import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { CommandContext } from '../src/commands/command-handler.ts';
import { EmbeddedPostgresError } from '../src/adapters/postgres/embedded-postgres.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DomainError } from '../src/domain/errors.ts';
import { compose, type Application } from '../src/main.ts';
import { INTEGRATION_USAGE, integrationCommands } from './integration-commands.ts';
import { printDemo } from './demo-command.ts';
import { printStateAt } from './state-at-command.ts';
import { printStatus } from './status-command.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: npm run ops -- <command>

  status                                   each projection's checkpoint, events applied, lag and errors;
                                           each reactor's lag, waiting work and failures; each collector's last run;
                                           the transaction holding the log back, if one does (exit 1 then too);
                                           which service process holds each lease (projection, reactor, schedule)
  rebuild <projection>                     build a read model again beside the live one, then swap it in
  create-operator-token <name>             issue a platform operator API token (printed once)
  create-metering-token <name>             issue a token that may only record usage (printed once)
  create-account-token <accountId> <name>  issue an API token scoped to one account (printed once); it acts
                                           as the account's admin: sign in to /portal with the account id and it
  demo [slug]                              a demo account to look at in /portal: a plan, two buckets, a daily
                                           usage sample for last month and this month, last month invoiced
                                           (with a payment and a credit note); prints the account id and an
                                           owner's token to sign in with
  revoke-token <tokenId>                   revoke an API token at once
  audit-invoice <number>                   replay an invoice's recorded inputs and compare, line by line
                                           (exit 0 when identical, 1 with the differences)
  explain-invoice <number>                 how each line of an invoice was computed, in words
  state-at <accountId> <instant>           the account, members, buckets, access keys, subscription and balance
                                           as recorded at an ISO 8601 instant with an offset, as JSON (from the log)
${INTEGRATION_USAGE}

Uses the same configuration as the service (DATABASE_URL, EVENTSTORE_CONNECTION_STRING, DATA_DIR).
Without DATABASE_URL it shares the embedded PostgreSQL the service runs for DATA_DIR (on the port
its postmaster.pid names, whatever EMBEDDED_POSTGRES_PORT says), or starts it.`;

function opsContext(): CommandContext {
  const id = randomUUID();
  return { actor: `ops:${os.userInfo().username}`, correlationId: id, causationId: id, occurredAt: new Date().toISOString() };
}

const commands: Record<string, (app: Application, args: string[]) => Promise<number>> = {
  ...integrationCommands,
  status: printStatus,
  'state-at': printStateAt,
  demo: printDemo,

  async rebuild(app, [name]) {
    if (!name) throw new UsageError('rebuild needs a projection name');
    app.runner.projection(name);
    const started = Date.now();
    let last = 0;
    let read = { applied: 0, total: 0n };
    const report = () => {
      const percent = read.total === 0n ? 100 : Number((BigInt(read.applied) * 100n) / read.total);
      process.stderr.write(`\r${name}: ${read.applied} of ${read.total} events read (${percent}%)   `);
    };
    await app.runner.rebuild(
      name,
      (applied, total) => {
        read = { applied, total };
        if (Date.now() - last < 500 && BigInt(applied) < total) return;
        last = Date.now();
        report();
      },
      // on a line of its own, after the progress line it interrupts
      (line) => process.stderr.write(`\n${line}\n`),
    );
    // Said once more at the end: a read model with no events of its types gets no progress call.
    report();
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write('\n');
    console.log(`rebuilt ${name} in ${seconds.toFixed(1)} s`);
    return 0;
  },

  async 'create-operator-token'(app, nameParts) {
    const name = nameParts.join(' ').trim();
    if (!name) throw new UsageError('create-operator-token needs a name, e.g. "alice (finance)"');
    const issued = await app.ops.issueApiToken({ name, scope: { kind: 'operator' } }, opsContext());
    printToken(issued.tokenId, issued.token, 'operator');
    return 0;
  },

  async 'create-metering-token'(app, nameParts) {
    const name = nameParts.join(' ').trim();
    if (!name) throw new UsageError('create-metering-token needs a name, e.g. "minio collector"');
    const issued = await app.ops.issueApiToken({ name, scope: { kind: 'metering' } }, opsContext());
    printToken(issued.tokenId, issued.token, 'metering');
    return 0;
  },

  async 'create-account-token'(app, [accountId, ...nameParts]) {
    const name = nameParts.join(' ').trim();
    if (!accountId || !name) throw new UsageError('create-account-token needs an account id and a name');
    // refused (NotFound, exit 2) when the log never opened the account
    const issued = await app.ops.issueAccountApiToken({ name, accountId }, opsContext());
    printToken(issued.tokenId, issued.token, `account ${accountId}`);
    return 0;
  },

  async 'audit-invoice'(app, [number]) {
    if (!number) throw new UsageError(INVOICE_NUMBER_NEEDED);
    const audit = await app.ops.auditInvoice(number);
    if (!audit) throw new UsageError(noInvoiceNumbered(number));
    const status = audit.voided ? ' (voided)' : '';
    if (audit.identical) {
      console.log(`${number}${status}: identical. Replaying its inputs gives the same ${audit.replayed.lines.length} lines and total ${audit.replayed.total} ${audit.replayed.currency} (digest ${audit.issuedDigest}).`);
      return 0;
    }
    console.log(`${number}${status}: DIFFERS from a replay of its recorded inputs.`);
    console.table(audit.differences.map((d) => ({ line: d.line ?? 'invoice', kind: d.kind, field: d.field, issued: d.issued, replayed: d.replayed })));
    return 1;
  },

  async 'explain-invoice'(app, [number]) {
    if (!number) throw new UsageError(INVOICE_NUMBER_NEEDED);
    const explanation = await app.ops.explainInvoice(number);
    if (!explanation) throw new UsageError(noInvoiceNumbered(number));
    // as the customer reads it (the account's language and zone), then the engine's exact working for operators
    for (const paragraph of explanation.text) console.log(paragraph);
    if (explanation.exact) {
      console.log(`\n--- ${explanation.locale === 'en' ? 'Exact working (as audited)' : 'Cálculo exato (como auditado)'} ---`);
      for (const paragraph of explanation.exact.header) console.log(paragraph);
      explanation.exact.lines.forEach((line, i) => console.log(`\n${i + 1}. ${line.kind}: ${line.amount} ${explanation.currency}\n   ${line.explanation}`));
      console.log(`\n${explanation.exact.totals}`);
    }
    return 0;
  },

  async 'revoke-token'(app, [tokenId]) {
    if (!tokenId) throw new UsageError('revoke-token needs a token id');
    const revoked = await app.ops.revokeApiToken(tokenId, opsContext());
    console.log(revoked ? `revoked ${tokenId}` : `${tokenId} was already revoked`);
    return 0;
  },
};

const INVOICE_NUMBER_NEEDED = 'give an invoice number, e.g. INV-2026-000123';
const noInvoiceNumbered = (number: string) => `no issued invoice numbered ${number}`;

function printToken(tokenId: string, token: string, scope: string) {
  console.log(`token id: ${tokenId} (${scope})`);
  console.log(`token:    ${token}`);
  console.log('This is the only time the token is shown; only its SHA-256 digest is kept.');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const app = await compose(loadConfig(), { httpLogs: false });
  try {
    return await command(app, args);
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Said in one line: what is wrong and what to set (no stack trace for a known start-up problem).
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof DomainError || error instanceof EmbeddedPostgresError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
