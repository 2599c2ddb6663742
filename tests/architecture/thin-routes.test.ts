import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A route parses, calls a command or query function it was given, and maps the answer. The
 * composition root (src/main.ts, src/composition) is the one place that builds commands and
 * knows the stores: a route module that imports an adapter, builds commands, or uses the event
 * store port for more than its types has started wiring again.
 */
const root = path.resolve(import.meta.dirname, '../..');
const routesDir = path.join(root, 'src', 'api', 'routes');

interface Import {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(text: string): Import[] {
  return [...text.matchAll(/(import|export)(\s+type)?\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)].map((m) => ({
    specifier: m[3] ?? m[4] ?? m[5]!,
    typeOnly: m[2] !== undefined,
  }));
}

/** What is wrong with a route module's source, one line each. */
function thinRouteOffences(file: string, text: string): string[] {
  const offences: string[] = [];
  for (const { specifier, typeOnly } of importsOf(text)) {
    if (!specifier.startsWith('.')) continue;
    const target = path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/');
    if (target.startsWith('src/adapters/')) offences.push(`imports ${target}`);
    if (target === 'src/ports/event-store.ts' && !typeOnly) offences.push(`imports ${target} for more than its types`);
  }
  for (const [construction] of text.matchAll(/\bcreate\w*Commands\s*\(/g)) offences.push(`constructs commands: ${construction}`);
  return offences;
}

const at = (name: string) => path.join(routesDir, name);

describe('thin routes', () => {
  it('tells a wiring route module from a thin one', () => {
    const wiring = [
      "import { createBucketCommands } from '../../commands/bucket-commands.ts';",
      "import { PostgresEventStore } from '../../adapters/event-store/postgres-event-store.ts';",
      "import { type EventStore, ExpectedRevisionError } from '../../ports/event-store.ts';",
      'const buckets = createBucketCommands(deps.eventStore);',
    ].join('\n');
    expect(thinRouteOffences(at('sample-routes.ts'), wiring)).toEqual([
      'imports src/adapters/event-store/postgres-event-store.ts',
      'imports src/ports/event-store.ts for more than its types',
      'constructs commands: createBucketCommands(',
    ]);
    const thin = [
      "import type { BucketCommands } from '../../commands/bucket-commands.ts';",
      "import type { Position } from '../../ports/event-store.ts';",
      'await deps.requestBucket(input, context);',
    ].join('\n');
    expect(thinRouteOffences(at('sample-routes.ts'), thin)).toEqual([]);
  });

  it('no module in src/api/routes wires', () => {
    const files = readdirSync(routesDir).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const offences = files.flatMap((name) => thinRouteOffences(at(name), readFileSync(at(name), 'utf8')).map((offence) => `src/api/routes/${name} ${offence}`));
    expect(offences).toEqual([]);
  });
});
