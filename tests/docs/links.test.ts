import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in README.md and docs/*.md reaches a file that exists, and a heading
 * anchor (`#…`) one of that document's headings, as GitHub renders them.
 */
const root = path.resolve(import.meta.dirname, '../..');
const documents = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of inline links and images: `[text](target)`, `[text](target "title")`. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

const isRelative = (target: string) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//');

function brokenLinks(document: string): string[] {
  const text = readFileSync(path.join(root, document), 'utf8');
  return linkTargets(text)
    .filter(isRelative)
    .flatMap((target) => {
      const [file, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = file === '' ? path.join(root, document) : path.resolve(path.dirname(path.join(root, document)), decodeURIComponent(file));
      if (!existsSync(resolved)) return [`${document}: ${target} (no such file)`];
      if (anchor === undefined || !resolved.endsWith('.md') || statSync(resolved).isDirectory()) return [];
      return anchorsOf(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor).toLowerCase()) ? [] : [`${document}: ${target} (no such heading)`];
    });
}

describe('links in the documentation', () => {
  it('computes anchors as GitHub does, and finds links outside code only', () => {
    expect([...anchorsOf('# The `ops` command line\n## Exit codes and errors\n## A/B: one, two\n## A/B: one, two\n```sh\n# not a heading\n```\n')]).toEqual([
      'the-ops-command-line',
      'exit-codes-and-errors',
      'ab-one-two',
      'ab-one-two-1',
    ]);
    expect(linkTargets('see [a](a.md#x) and `[b](b.md)`\n```\n[c](c.md)\n```\n![d](d.png "D")')).toEqual(['a.md#x', 'd.png']);
  });

  it('finds the documents it checks, and links in them', () => {
    expect(documents).toContain('README.md');
    expect(documents.length).toBeGreaterThan(5);
    expect(documents.flatMap((document) => linkTargets(readFileSync(path.join(root, document), 'utf8')).filter(isRelative)).length).toBeGreaterThan(20);
  });

  it('each document in docs/ opens with a table of contents of its headings', () => {
    const withoutContents = documents
      .filter((document) => document.startsWith('docs/'))
      .filter((document) => {
        const text = readFileSync(path.join(root, document), 'utf8');
        const contents = /^# .+\n\n<!-- toc -->\n((?:\s*- \[.+\]\(#[^)]+\)\n)+)<!-- tocstop -->\n/.exec(text);
        return !contents;
      });
    expect(withoutContents).toEqual([]);
  });

  it('every relative link reaches a file, and a heading of it when it names one', () => {
    expect(documents.flatMap(brokenLinks)).toEqual([]);
  });
});
