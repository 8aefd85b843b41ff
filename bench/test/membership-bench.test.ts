import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

describe('npm run bench:membership (small)', () => {
  it('50 identities on a real chain: announcements spread, probes stay bounded, at most the nodes of one stalled worker judged failing, rounds answered', { timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-bench-membership-'));
    try {
      const out = join(dir, 'membership.json');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/membership.ts', '--small', '--out', out], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr.slice(-3000));
      const r = JSON.parse(readFileSync(out, 'utf8'));
      for (const field of ['nodes', 'probesPerNodePerMinute', 'announcementP99Seconds', 'deadNodeDecommissionSeconds', 'configuredWindowSeconds', 'falsePositives', 'hungRoundRatio']) {
        assert.ok(field in r, `${field} missing`);
        if (field !== 'configuredWindowSeconds') assert.match(run.stdout, new RegExp(field));
      }
      assert.equal(r.nodes, 50);
      // 10 targets × 2 requests per 8 s period is 150 a minute; a ~30 s measuring window may hold
      // one period more than its length (×1.3). Testers did test.
      assert.ok(r.probesPerNodePerMinute.mean > 0 && r.probesPerNodePerMinute.max <= 195, JSON.stringify(r.probesPerNodePerMinute));
      // The figure itself is what the bench reports (README); here, on a machine shared with
      // other test files, a worker process stalled for a whole window makes its identities look
      // dead to the observer, so the smoke run bounds it instead of requiring 0.
      assert.ok(r.falsePositives <= 5, `healthy nodes judged failing: ${r.falsePositives} (${r.falsePositiveNodes})`);
      // The first re-announcement reached (nearly) every identity that was up.
      assert.ok(r.announcements.length >= 1 && r.announcements[0].reachedFraction >= 0.9, JSON.stringify(r.announcements));
      // Every live endpoint signed the round without hung nodes, and the signatures verified.
      const none = r.hungRound.samples.filter((s: { hung: number }) => s.hung === 0);
      assert.ok(none.length > 0 && none.every((s: { responders: number }) => s.responders === r.hungRound.endpoints), JSON.stringify(r.hungRound));
      assert.ok(r.observer.accepted > 0 && r.observer.refused === 0, JSON.stringify(r.observer));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
