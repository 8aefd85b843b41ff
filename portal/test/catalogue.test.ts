/**
 * Every catalogue key the code asks for exists in en.ts, so a missing sentence fails here rather
 * than showing its key to a user, and a second language is one file checked against the same keys.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { en } from '../src/i18n/en.ts';

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The literal keys of `t('…')` calls; a key built at run time cannot be checked statically. */
function usedKeys(source: string): string[] {
  return [...source.matchAll(/\bt\(\s*(['"`])([A-Za-z0-9_.]+)\1/g)].map((m) => m[2]!);
}

function has(catalogue: unknown, key: string): boolean {
  let node: unknown = catalogue;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  // i18next plural keys: `x` is present when `x_one`/`x_other` are.
  return typeof node === 'string';
}

function hasWithPlurals(key: string): boolean {
  return has(en, key) || has(en, `${key}_one`) || has(en, `${key}_other`);
}

describe('message catalogue', () => {
  it('the scan finds keys, and would notice a missing one', () => {
    assert.deepEqual(usedKeys(`x = t('app.title'); y = t("nav.faucet", { a }); z = t(\`nope.missing\`)`), ['app.title', 'nav.faucet', 'nope.missing']);
    assert.equal(hasWithPlurals('nope.missing'), false);
    assert.equal(hasWithPlurals('app.title'), true);
  });

  it('every key used in portal/src is in en.ts', () => {
    const files = sourceFiles(SRC);
    const missing: string[] = [];
    let count = 0;
    for (const file of files) {
      for (const key of usedKeys(readFileSync(file, 'utf8'))) {
        count += 1;
        if (!hasWithPlurals(key)) missing.push(`${file.slice(SRC.length + 1)}: ${key}`);
      }
    }
    assert.ok(count > 50, `the scan saw the catalogue in use (${count} calls)`);
    assert.deepEqual(missing, [], 'keys used in code but missing in en.ts');
  });
});
