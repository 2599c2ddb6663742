import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every TypeScript file under a directory, at any depth: what the architecture tests read. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}
