/** One sample line of the Prometheus text exposition format, its value kept as text. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: string;
}

/**
 * Reads the sample lines of the text format (version 0.0.4): comments and blank lines are
 * skipped, label values unescaped (\\, \", \n), an optional timestamp after the value ignored.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      samples.push(parseLine(line));
    } catch (e) {
      throw new Error(`Prometheus text, line ${index + 1}: ${(e as Error).message}`);
    }
  });
  return samples;
}

function parseLine(line: string): PrometheusSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error('no metric name');
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (!labelMatch) throw new Error(`bad label at column ${i + 1}`);
      i += labelMatch[0].length;
      while (line[i] === ' ') i++;
      if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`label ${labelMatch[0]} has no quoted value`);
      i += 2;
      let value = '';
      for (;;) {
        const ch = line[i];
        if (ch === undefined) throw new Error(`unterminated value of label ${labelMatch[0]}`);
        i++;
        if (ch === '"') break;
        if (ch === '\\') {
          const next = line[i++];
          value += next === 'n' ? '\n' : (next ?? '');
        } else value += ch;
      }
      labels[labelMatch[0]] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest[0] === '' || rest.length > 2) throw new Error(`expected a value (and optional timestamp) after ${name}`);
  return { name, labels, value: rest[0]! };
}
