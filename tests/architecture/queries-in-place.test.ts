import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../support/source-files.ts';

/**
 * Tables are read and written by named query functions (src/projections/<module>/…-queries.ts)
 * and adapters; commands, reactors, presentation and the ops CLI get those functions from the
 * composition root, so what each depends on shows in its signature. And the composition root
 * (src/main.ts, src/composition) is the one place that builds command objects.
 */
const root = path.resolve(import.meta.dirname, '../..');
const CHECKED = ['src/commands', 'src/reactors', 'src/presentation', 'ops'];

/** Files that may query, each with why: not read models, but a store a module keeps for itself. */
const ALLOWED: Record<string, string> = {
  'src/reactors/reactor-runner.ts':
    "reactor_jobs is the runner's own job queue, not a read model: it claims, retries and finishes jobs in its own transactions, as projection-runner.ts keeps checkpoints",
  'src/reactors/failed-job-queries.ts': "the queries of the reactors' own reactor_jobs table (GET /operator/failed-jobs), beside the runner that writes it",
  'src/reactors/reactor-tables.ts': 'the row types of reactor_jobs, in kysely terms (Generated)',
};

const DRIVERS = ['kysely', 'pg'];
const TABLE_CALLS = /\.\s*(selectFrom|insertInto|updateTable|deleteFrom)\s*\(/g;

/** The code without its comments: a comment that names `selectFrom(` is no query. */
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:import|export)(?:\s+type)?\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
}

/** What is wrong with a checked file's source, one line each. */
function queryOffences(text: string): string[] {
  const offences: string[] = [];
  for (const specifier of importsOf(text)) {
    if (DRIVERS.some((driver) => specifier === driver || specifier.startsWith(`${driver}/`))) offences.push(`imports ${specifier}`);
  }
  for (const [, call] of withoutComments(text).matchAll(TABLE_CALLS)) offences.push(`calls ${call}`);
  return offences;
}

/** Commands and reactors are given their commands; only the composition root builds them. */
function wiringOffences(text: string): string[] {
  return [...withoutComments(text).matchAll(/(?<!function\s+)\bcreate\w*Commands\s*\(/g)].map(([construction]) => `constructs commands: ${construction}`);
}

/** The ops CLI calls the functions it is given (app.ops); it does not reach into the stores. */
function storeOffences(text: string): string[] {
  return [...withoutComments(text).matchAll(/\.infrastructure\b|\binfrastructure\s*[.:}]/g)].map(() => 'reaches into app.infrastructure');
}

const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
const checkedFiles = CHECKED.flatMap((dir) => sourceFiles(path.join(root, dir)));

describe('queries live in query modules', () => {
  it('tells a querying module from one that is given its queries', () => {
    const querying = [
      "import type { Kysely } from 'kysely';",
      "import { Pool } from 'pg';",
      "const rows = await readModels.selectFrom('buckets').select('name').execute();",
      "await db\n  .insertInto('x').values({}).execute();",
      "await db.updateTable('x').set({}).execute(); await db.deleteFrom('x').execute();",
      'const accounts = createAccountCommands(deps.eventStore);',
    ].join('\n');
    expect(queryOffences(querying)).toEqual(['imports kysely', 'imports pg', 'calls selectFrom', 'calls insertInto', 'calls updateTable', 'calls deleteFrom']);
    expect(wiringOffences(querying)).toEqual(['constructs commands: createAccountCommands(']);
    const given = [
      "import type { AccountCommands } from './account-commands.ts';",
      '// not readModels.selectFrom(...): the query is given',
      'const names = await deps.accountStoredBucketNames(accountId);',
      'export function createAccountCommands(eventStore: EventStore) {}',
    ].join('\n');
    expect(queryOffences(given)).toEqual([]);
    expect(wiringOffences(given)).toEqual([]);
    expect(storeOffences('const { eventStore } = app.infrastructure;')).toEqual(['reaches into app.infrastructure']);
    expect(storeOffences('const runs = await app.ops.collectorRuns();')).toEqual([]);
  });

  it('no command, reactor, presentation or ops module imports kysely or pg, or queries a table (but those allowed, for their reason)', () => {
    expect(checkedFiles.length).toBeGreaterThan(50);
    const offences = checkedFiles
      .filter((file) => ALLOWED[rel(file)] === undefined)
      .flatMap((file) => queryOffences(readFileSync(file, 'utf8')).map((offence) => `${rel(file)} ${offence}`));
    expect(offences).toEqual([]);
  });

  it('each allowed file exists and still needs its place on the list', () => {
    for (const file of Object.keys(ALLOWED)) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
      expect(queryOffences(readFileSync(path.join(root, file), 'utf8')).length, `${file} no longer queries: take it off the list`).toBeGreaterThan(0);
    }
  });

  it('no command or reactor module builds commands itself (src/composition wires them)', () => {
    const offences = checkedFiles
      .filter((file) => /^src\/(commands|reactors)\//.test(rel(file)))
      .flatMap((file) => wiringOffences(readFileSync(file, 'utf8')).map((offence) => `${rel(file)} ${offence}`));
    expect(offences).toEqual([]);
  });

  it('the ops CLI calls the functions the composition root gives it, never the stores', () => {
    const opsFiles = checkedFiles.filter((file) => rel(file).startsWith('ops/'));
    expect(opsFiles.length).toBeGreaterThan(3);
    const offences = opsFiles.flatMap((file) => [...storeOffences(readFileSync(file, 'utf8')), ...wiringOffences(readFileSync(file, 'utf8'))].map((offence) => `${rel(file)} ${offence}`));
    expect(offences).toEqual([]);
  });

  it("each read-model module's queries and projections name only their own tables' types, never the whole schema", () => {
    // the modules' folders; the runner and the schema type beside them see every table
    const moduleFiles = sourceFiles(path.join(root, 'src/projections')).filter((file) => rel(file).split('/').length > 3);
    expect(moduleFiles.length).toBeGreaterThan(30);
    const offences = moduleFiles.flatMap((file) =>
      [...withoutComments(readFileSync(file, 'utf8')).matchAll(/\b(Kysely|Transaction|UpdateObject)<(ReadModelDatabase|LedgerDatabase)\b/g)].map(([use]) => `${rel(file)} takes ${use}>`),
    );
    expect(offences).toEqual([]);
  });
});
