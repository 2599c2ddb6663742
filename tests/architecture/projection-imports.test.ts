import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../support/source-files.ts';

/**
 * Read models are what reactors and the API build on, never the other way round: each module
 * owns its tables' types, and only src/composition puts the whole database together.
 */
const root = path.resolve(import.meta.dirname, '../..');
const projections = path.join(root, 'src', 'projections');
const FORBIDDEN = ['reactors', 'api'].map((dir) => path.join(root, 'src', dir));

function relativeImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)];
  return specifiers.map((m) => m[1] ?? m[2] ?? m[3]!).filter((specifier) => specifier.startsWith('.'));
}

const files = sourceFiles(projections);
const rel = (file: string) => path.relative(root, file);

describe('src/projections', () => {
  it('finds the files it checks, and sees their imports', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(relativeImportsOf(path.join(projections, 'projection.ts'))).toContain('./read-model-database.ts');
  });

  it('imports nothing from src/reactors or src/api', () => {
    const offenders = files.flatMap((file) =>
      relativeImportsOf(file)
        .map((specifier) => path.resolve(path.dirname(file), specifier))
        .filter((target) => FORBIDDEN.some((dir) => target.startsWith(`${dir}${path.sep}`)))
        .map((target) => `${rel(file)} imports ${rel(target)}`),
    );
    expect(offenders).toEqual([]);
  });
});
