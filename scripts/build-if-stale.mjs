// Runs before `npm start` and `npm run ops`, which run the compiled dist/: rebuilds it when a
// source file changed after the last build, so an edit to src/ never starts yesterday's code.
// `prepare` builds on `npm install`; this covers edits and pulls after that. Plain JavaScript
// because it runs before there is a build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const buildInfo = path.join(root, 'dist', '.tsbuildinfo');
const inputs = ['src', 'ops', 'tsconfig.json', 'tsconfig.build.json'].map((name) => path.join(root, name));
const compiler = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Latest change under a path; a directory's own time moves when a file in it is added, renamed or removed. */
function lastChange(file) {
  const stats = statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(file).map((name) => lastChange(path.join(file, name))));
}

const built = existsSync(buildInfo) ? statSync(buildInfo).mtimeMs : -Infinity;
const changed = Math.max(...inputs.filter((input) => existsSync(input)).map(lastChange));
if (changed <= built) process.exit(0);

if (!existsSync(compiler)) {
  // An install without dev dependencies (npm ci --omit=dev) has no compiler: run what was built.
  if (built === -Infinity) {
    console.error('dist/ has not been built and TypeScript is not installed: run `npm install` (or `npm run build`) first.');
    process.exit(1);
  }
  console.error('dist/ is older than src/ and TypeScript is not installed: running the existing build.');
  process.exit(0);
}

console.error('dist/ is older than src/: building.');
const build = spawnSync(process.execPath, [compiler, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// An incremental build that finds nothing new to emit leaves its build info as it was.
const now = new Date();
utimesSync(buildInfo, now, now);
