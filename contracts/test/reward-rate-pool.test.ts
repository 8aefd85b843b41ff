import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { erc20Abi, type Address } from 'viem';
import { RewardRatePool } from '../../sdk/src/generated/contracts.ts';
import { INITIAL_REWARD_POOL, sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const YEAR = 365n * 24n * 3600n;
const abi = RewardRatePool.abi;

describe('RewardRatePool', () => {
  let sys: LocalSystem;
  let pool: Address;
  let token: Address;
  let beneficiary: Address;
  let started: `0x${string}`;

  const read = async <T>(functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address: pool, abi, functionName, args } as never)) as T;
  const balanceOf = async (who: Address) =>
    (await sys.as(0)).publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
  const release = async () => (await sys.as(5)).send(pool, abi, 'release');

  before(async () => {
    sys = await startLocalSystem({ startStaking: false }); // this suite starts the pool itself
    pool = sys.deployments.contracts.RewardRatePool!;
    token = sys.deployments.contracts.SESH!;
    beneficiary = sys.accounts[9]!.address;
    // Deposits in the tests come from the treasury (account 0).
    const admin = await sys.as(0);
    await admin.send(token, erc20Abi, 'approve', [pool, 2n ** 255n]);
  });
  after(() => sys.stop());

  it('refuses to release before it is started, and only the deployer can start it', async () => {
    await expectRevert(release(), 'NotStarted');
    await expectRevert((await sys.as(1)).send(pool, abi, 'start', [beneficiary]), 'NotDeployer');
    await expectRevert((await sys.as(0)).send(pool, abi, 'start', ['0x0000000000000000000000000000000000000000']), 'ZeroAddress');
    assert.equal(await read('lastReleaseTime'), 0n);
  });

  it('starts once and refuses a second start', async () => {
    await (await sys.as(0)).send(pool, abi, 'start', [beneficiary]);
    assert.equal(await read('beneficiary'), beneficiary);
    await expectRevert((await sys.as(0)).send(pool, abi, 'start', [beneficiary]), 'BeneficiaryAlreadySet');
    started = await sys.snapshot();
  });

  it('releases 14.00% ± 0.01% of its balance over one year', async () => {
    await sys.revert(started);
    started = await sys.snapshot();
    const start = await read<bigint>('lastReleaseTime');
    const before = await balanceOf(pool);
    await sys.setNextTimestamp(start + YEAR);
    await release();
    const released = before - (await balanceOf(pool));
    const bps = (released * 1_000_000n) / before; // parts per million
    assert.ok(bps >= 139_900n && bps <= 140_100n, `released ${released} of ${before} = ${Number(bps) / 10_000}%`);
    assert.equal(await read('totalReleased'), released);
  });

  it('k releases spread over T pay the same as one release at T, within k base units', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 90 * 24 * 3600 }), { minLength: 1, maxLength: 6 }),
        async (gaps) => {
          await sys.revert(started);
          started = await sys.snapshot();
          const start = await read<bigint>('lastReleaseTime');
          const poolBefore = await balanceOf(pool);
          let t = start;
          for (const gap of gaps) {
            t += BigInt(gap);
            await sys.setNextTimestamp(t);
            await release();
          }
          const stepped = poolBefore - (await balanceOf(pool));
          await sys.revert(started);
          started = await sys.snapshot();
          await sys.setNextTimestamp(t);
          await release();
          const once = poolBefore - (await balanceOf(pool));
          const diff = stepped > once ? stepped - once : once - stepped;
          assert.ok(diff <= BigInt(gaps.length), `k=${gaps.length}: stepped ${stepped} vs once ${once}`);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('never releases more than its balance, for any balance and elapsed time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: 2n ** 128n }),
        fc.bigInt({ min: 0n, max: 1000n * YEAR }),
        async (balance, elapsed) => {
          const out = await read<bigint>('releasableOver', [balance, elapsed]);
          assert.ok(out <= balance, `releasableOver(${balance}, ${elapsed}) = ${out}`);
          // A longer wait never releases less.
          const later = await read<bigint>('releasableOver', [balance, elapsed + 3600n]);
          assert.ok(later >= out);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the release within the balance over random deposit/release/wait sequences', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 400 * 24 * 3600 }) }),
      fc.record({ kind: fc.constant('release' as const) }),
      fc.record({ kind: fc.constant('deposit' as const), amount: fc.bigInt({ min: 1n, max: sesh(1_000_000) }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        await sys.revert(started);
        started = await sys.snapshot();
        let deposited = 0n;
        for (const step of ops) {
          if (step.kind === 'wait') await sys.increaseTime(step.seconds);
          if (step.kind === 'deposit') {
            await (await sys.as(0)).send(pool, abi, 'deposit', [step.amount]);
            deposited += step.amount;
          }
          if (step.kind === 'release') {
            const poolBalance = await balanceOf(pool);
            const receiverBefore = await balanceOf(beneficiary);
            await release();
            const paid = (await balanceOf(beneficiary)) - receiverBefore;
            assert.ok(paid <= poolBalance);
          }
          // Conservation: what left the pool is exactly what the beneficiary received.
          const released = await read<bigint>('totalReleased');
          assert.equal((await balanceOf(pool)) + released, INITIAL_REWARD_POOL + deposited);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('a deposit raises the balance and so the rate, and settles the pending release first', async () => {
    await sys.revert(started);
    started = await sys.snapshot();
    const rateBefore = await read<bigint>('ratePerYear');
    await sys.increaseTime(30 * 24 * 3600);
    const totalBefore = await read<bigint>('totalReleased');
    await (await sys.as(0)).send(pool, abi, 'deposit', [sesh(1_000_000)]);
    assert.ok((await read<bigint>('totalReleased')) > totalBefore, 'pending release was settled by the deposit');
    assert.ok((await read<bigint>('ratePerYear')) > rateBefore);
    assert.ok((await read<bigint>('ratePerSecond')) > 0n);
    await expectRevert((await sys.as(0)).send(pool, abi, 'deposit', [0n]), 'ZeroAmount');
  });
});
