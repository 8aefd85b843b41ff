import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, before } from 'node:test';
import fc from 'fast-check';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { BadInputError } from '../lib/errors.ts';
import { generateBonusSample, type SampleFiles } from '../bonus/generate.ts';
import { runBonus } from '../bonus/run.ts';
import { BONUS_TOTAL } from '../bonus/rules.ts';
import { A, NODE1, OXEN, tempDir } from './helpers.ts';

const CIRCULATING = 60_000_000n * OXEN;

describe('programs bonus (files in, files out)', () => {
  let sample: SampleFiles;
  before(async () => {
    sample = await generateBonusSample({ nodes: 30, days: 6, outDir: tempDir(), seed: 7, quiet: true });
  });
  const run = (snapshots: string, outDir: string, extra: Partial<Parameters<typeof runBonus>[0]> = {}) =>
    runBonus({ registrations: sample.registrations, snapshots: [snapshots], anchorHardfork: sample.anchorHardfork, circulatingOxen: CIRCULATING, outDir, quiet: true, ...extra });

  it('allocates exactly 30,000,000 SESH, with proofs that verify, and byte-identical output on re-run', async () => {
    const [one, two] = [tempDir(), tempDir()];
    const result = await run(sample.snapshots, one);
    await run(sample.snapshots, two);
    for (const file of ['points.csv', 'distribution.json', 'restake.csv', 'summary.json']) {
      assert.ok(readFileSync(join(one, file)).equals(readFileSync(join(two, file))), `${file} differs between runs`);
    }
    assert.equal(result.nodeSnapshots, 30 * 6 * 24);
    const distribution = JSON.parse(readFileSync(join(one, 'distribution.json'), 'utf8'));
    assert.equal(BigInt(distribution.total), BONUS_TOTAL);
    const lines = readFileSync(join(one, 'points.csv'), 'utf8').trim().split('\n').slice(1);
    assert.equal(lines.reduce((sum, l) => sum + BigInt(l.split(',')[3]!), 0n), BONUS_TOTAL);
    for (const [account, claim] of Object.entries<{ index: number; amount: string; proof: string[] }>(distribution.claims)) {
      assert.ok(StandardMerkleTree.verify(distribution.root, ['uint256', 'address', 'uint256'], [claim.index, account, claim.amount], claim.proof));
    }
    assert.ok(readFileSync(join(one, 'restake.csv'), 'utf8').split('\n').length > 2);
  });

  it('is deterministic for any generated input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 2, max: 12 }), async (seed, nodes) => {
        const s = await generateBonusSample({ nodes, days: 2, outDir: tempDir(), seed, quiet: true });
        const outs = [tempDir(), tempDir()];
        for (const out of outs) {
          await runBonus({ registrations: s.registrations, snapshots: [s.snapshots], anchorHardfork: s.anchorHardfork, circulatingOxen: CIRCULATING, outDir: out, quiet: true }).catch((e) => {
            if (!/nothing to allocate/.test((e as Error).message)) throw e;
          });
        }
        for (const file of ['points.csv', 'distribution.json']) {
          const [a, b] = outs.map((o) => (existsSync(join(o, file)) ? readFileSync(join(o, file), 'utf8') : ''));
          assert.equal(a, b);
        }
      }),
      { numRuns: 8 },
    );
  });

  describe('bad input', () => {
    const lines = () => readFileSync(sample.snapshots, 'utf8').split('\n');
    const firstTime = () => Number(lines()[1]!.split(',')[0]);
    const cases: Array<[string, (l: string[]) => void, RegExp]> = [
      ['a malformed snapshot row', (l) => (l[5] = 'not,a,row'), /snapshots\.csv:6: (expected 4 fields|.*must be)/],
      ['an address checksum error', (l) => (l[5] = `${firstTime()},${'c'.repeat(64)},1,${A.replace('C', 'c')}:${15_000n * OXEN}:1`), /snapshots\.csv:6: .*bad EIP-55 checksum/],
      ['a time going backwards', (l) => (l[40] = l[40]!.replace(/^\d+/, String(firstTime() - 3600))), /snapshots\.csv:41: time goes backwards/],
      ['a node twice in a snapshot', (l) => (l[3] = l[2]!), /snapshots\.csv:4: node .* appears twice/],
    ];
    for (const [name, edit, pattern] of cases) {
      it(`${name}: stops with file:line and writes nothing; --skip-bad-rows skips and lists it`, async () => {
        const l = lines();
        edit(l);
        const bad = join(tempDir(), 'snapshots.csv');
        writeFileSync(bad, l.join('\n'));
        const out = tempDir();
        await assert.rejects(run(bad, out), (error: unknown) => {
          assert.ok(error instanceof BadInputError);
          assert.match(error.message, pattern);
          return true;
        });
        assert.equal(existsSync(join(out, 'distribution.json')), false, 'no output on error');
        const result = await run(bad, out, { skipBadRows: true });
        assert.equal(result.skipped.length, 1);
        assert.match(readFileSync(join(out, 'skipped-rows.csv'), 'utf8'), new RegExp(`${bad.replaceAll('/', '\\/')},\\d+,`));
        assert.ok(existsSync(join(out, 'distribution.json')));
      });
    }

    it('an unknown node (registered but in no snapshot) is reported at its registrations line', async () => {
      const registrations = join(tempDir(), 'registrations.csv');
      writeFileSync(registrations, `${readFileSync(sample.registrations, 'utf8')}node,${NODE1},1700000000\n`);
      const lineNo = readFileSync(registrations, 'utf8').trim().split('\n').length;
      await assert.rejects(run(sample.snapshots, tempDir(), { registrations }), new RegExp(`registrations\\.csv:${lineNo}: unknown node ${NODE1}`));
    });
  });

  it('the CLI has --help on every command and exits 2 on bad input', async () => {
    const { main } = await import('../cli.ts');
    const capture = async (...args: string[]) => {
      const out: string[] = [];
      const log = console.log;
      console.log = (...parts: unknown[]) => void out.push(parts.join(' '));
      try {
        return { status: await main(args), stdout: out.join('\n') };
      } finally {
        console.log = log;
      }
    };
    const top = await capture('--help');
    assert.equal(top.status, 0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!);
    assert.ok(commands.length >= 10);
    for (const command of commands) {
      const r = await capture(command, '--help');
      assert.equal(r.status, 0, command);
      assert.match(r.stdout, /Usage:/);
    }
    // The whole bonus command through the CLI, and the coin-claims worked example.
    const out = tempDir();
    const bonus = await capture('bonus', '--registrations', sample.registrations, '--snapshots', sample.snapshots, '--anchor', String(sample.anchorHardfork), '--oxen-supply', String(70_000_000n * OXEN), '--optf-holdings', String(10_000_000n * OXEN), '--out', out, '--quiet');
    assert.equal(bonus.status, 0);
    assert.match(bonus.stdout, /4320 node-snapshots .* root 0x[0-9a-f]{64}/);
    assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).circulatingOxen, String(60_000_000n * OXEN));
    const args = ['--oxen', String(600_000n * OXEN), '--circulating-oxen', String(60_000_000n * OXEN), '--tge', '2025-01-01T00:00:00Z'];
    assert.match((await capture('coin-claims-amount', ...args, '--recorded-at', '2025-07-01T00:00:00Z')).stdout, /^300000 SESH/);
    assert.match((await capture('coin-claims-amount', ...args, '--recorded-at', '2025-07-01T00:00:01Z')).stdout, /^210000 SESH/);
    // One real process: the exit code and the message on stderr.
    const missing = spawnSync(process.execPath, ['--import', 'tsx', 'programs/cli.ts', 'bonus', '--out', tempDir()], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /missing --registrations/);
  });
});
