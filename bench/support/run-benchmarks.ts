/**
 * npm run bench / npm run bench:quick: every benchmark in bench/ (each `bench/*.ts`, in name
 * order), one after the other, each in its own process with its own throwaway database, at
 * full scale or with `--quick`. Their output goes through as it comes; at the end, every
 * `RESULT {...}` line they printed is gathered into one table, with how long each took.
 *
 * `npm run bench -- billing rebuild` runs only the benchmarks named. Exits 1 if one failed.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

const benchDirectory = path.join(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const benches = readdirSync(benchDirectory)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

function run(name: string): Promise<{ figures: Figure[]; seconds: number; ok: boolean }> {
  const started = performance.now();
  const figures: Figure[] = [];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, path.join(benchDirectory, `${name}.ts`), ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(line);
      if (line.startsWith('RESULT ')) figures.push(JSON.parse(line.slice('RESULT '.length)) as Figure);
    });
    child.on('close', (code) => resolve({ figures, seconds: (performance.now() - started) / 1000, ok: code === 0 }));
  });
}

const started = performance.now();
const outcomes: { name: string; figures: Figure[]; seconds: number; ok: boolean }[] = [];
for (const name of benches) {
  console.log(`\n=== bench/${name}.ts${quick ? ' --quick' : ''}`);
  outcomes.push({ name, ...(await run(name)) });
}
const total = (performance.now() - started) / 1000;

console.log(`\n=== ${quick ? 'npm run bench:quick' : 'npm run bench'}: ${benches.length} benchmarks in ${total.toFixed(0)} s`);
console.log('| figure | value | unit | baseline | ratio |');
console.log('|---|---|---|---|---|');
for (const outcome of outcomes) {
  for (const f of outcome.figures) console.log(`| ${f.name} | ${f.value} | ${f.unit} | ${f.baseline ?? ''} | ${f.ratio ?? ''} |`);
  console.log(`| (bench/${outcome.name}.ts) | ${outcome.seconds.toFixed(0)} | s | | ${outcome.ok ? '' : 'FAILED'} |`);
}
if (outcomes.some((outcome) => !outcome.ok)) process.exit(1);
