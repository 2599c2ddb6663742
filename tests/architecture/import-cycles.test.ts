import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../support/source-files.ts';

/**
 * No module of src/ reaches itself through its imports (type-only imports included: a cycle of
 * types still means two files that cannot be read, or moved, one without the other).
 */
const root = path.resolve(import.meta.dirname, '../..');

/** The relative imports and re-exports of a source text, resolved against its file. */
function localImportsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s));
}

/** Each cycle of the graph once, as the files along it (the first repeated at the end). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (file: string) => {
    const at = onPath.indexOf(file);
    if (at >= 0) {
      cycles.push([...onPath.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    onPath.push(file);
    for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next);
    onPath.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return cycles;
}

function graphOf(files: readonly string[]): Map<string, string[]> {
  return new Map(files.map((file) => [file, localImportsOf(file, readFileSync(file, 'utf8'))]));
}

const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');

describe('import cycles', () => {
  it('finds a cycle in a sample graph, through a re-export and a type import, and none in a tree', () => {
    const at = (name: string) => path.join(root, 'sample', name);
    const sample = new Map([
      [at('a.ts'), localImportsOf(at('a.ts'), "import { b } from './b.ts';\nimport type { D } from './d.ts';")],
      [at('b.ts'), localImportsOf(at('b.ts'), "export { c } from './c.ts';")],
      [at('c.ts'), localImportsOf(at('c.ts'), "import type { A } from './a.ts';")],
      [at('d.ts'), localImportsOf(at('d.ts'), "import { z } from 'zod';")],
    ]);
    expect(importCycles(sample).map((cycle) => cycle.map(rel))).toEqual([['sample/a.ts', 'sample/b.ts', 'sample/c.ts', 'sample/a.ts']]);
    sample.set(at('c.ts'), localImportsOf(at('c.ts'), "import type { D } from './d.ts';"));
    expect(importCycles(sample)).toEqual([]);
  });

  it('src/ has none', () => {
    const files = sourceFiles(path.join(root, 'src'));
    expect(files.length).toBeGreaterThan(20);
    expect(importCycles(graphOf(files)).map((cycle) => cycle.map(rel).join(' -> '))).toEqual([]);
  });
});
