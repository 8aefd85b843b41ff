import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeEventLog, erc20Abi, keccak256, toHex, type Address, type Hex } from 'viem';
import { OxenCoinClaims } from '../../sdk/src/generated/contracts.ts';
import { sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { COIN_CLAIMS_TOTAL, creditAmount } from '../../programs/coin-claims/amount.ts';

const abi = OxenCoinClaims.abi;
const DAY = 86_400n;
const CIRCULATING = 100_000_000n * 10n ** 9n; // 100M OXEN after OPTF holdings
const burnId = (n: number | string): Hex => keccak256(toHex(`burn-${n}`));

describe('OxenCoinClaims', () => {
  let sys: LocalSystem;
  let token: Address;
  let pool: Address;
  let claims: Address;
  let reducedAfter: bigint;
  let creditsEnd: bigint;
  const GRACE = 14n * DAY;
  let clean: Hex;

  const balanceOf = async (who: Address) =>
    (await sys.as(0)).publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
  const read = async <T>(functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address: claims, abi, functionName, args } as never)) as T;
  const bridge = () => sys.as(1);
  const credit = async (id: Hex, account: Address, oxen: bigint, recordedAt: bigint) => {
    const hash = await (await bridge()).send(claims, abi, 'credit', [id, account, oxen, recordedAt]);
    const receipt = await (await bridge()).publicClient.getTransactionReceipt({ hash });
    const log = receipt.logs.find((l) => l.address.toLowerCase() === claims.toLowerCase())!;
    return decodeEventLog({ abi, ...log }).args as unknown as { amount: bigint; reduced: boolean };
  };

  const goTo = async (time: bigint) => {
    await sys.setNextTimestamp(time);
    await sys.rpc('evm_mine');
  };
  /** A fresh contract whose schedule starts now (chain time moves on across tests). */
  const fresh = async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
    const now = await sys.now();
    reducedAfter = now + 182n * DAY;
    creditsEnd = now + 365n * DAY;
    const admin = await sys.as(0);
    claims = await admin.deploy('OxenCoinClaims', [token, pool, sys.accounts[1]!.address, CIRCULATING, reducedAfter, GRACE, creditsEnd]);
    await admin.send(token, erc20Abi, 'transfer', [claims, COIN_CLAIMS_TOTAL]);
  };

  before(async () => {
    sys = await startLocalSystem({ accounts: 8 });
    token = sys.deployments.contracts.SESH!;
    pool = sys.deployments.contracts.RewardRatePool!;
    const now = await sys.now();
    reducedAfter = now + 182n * DAY;
    creditsEnd = now + 365n * DAY;
    const admin = await sys.as(0);
    await expectRevert(admin.deploy('OxenCoinClaims', [token, pool, sys.accounts[1]!.address, CIRCULATING, reducedAfter, GRACE, reducedAfter]), 'BadSchedule');
    claims = await admin.deploy('OxenCoinClaims', [token, pool, sys.accounts[1]!.address, CIRCULATING, reducedAfter, GRACE, creditsEnd]);
    await admin.send(token, erc20Abi, 'transfer', [claims, COIN_CLAIMS_TOTAL]);
    clean = await sys.snapshot();
  });
  after(() => sys.stop());

  it('worked example: burning 1% of the circulating supply gives 300,000 SESH, or 210,000 after 6 months', async () => {
    await fresh();
    const user = sys.accounts[3]!.address;
    const onePercent = CIRCULATING / 100n;
    await goTo(reducedAfter);
    const early = await credit(burnId(1), user, onePercent, reducedAfter);
    assert.equal(early.amount, sesh(300_000));
    assert.equal(early.reduced, false);
    await goTo(reducedAfter + 10n);
    const late = await credit(burnId(2), user, onePercent, reducedAfter + 1n);
    assert.equal(late.amount, sesh(210_000));
    assert.equal(late.reduced, true);
    // The off-chain formula agrees.
    assert.equal(creditAmount(onePercent, Number(reducedAfter), { circulatingOxen: CIRCULATING, reducedAfter: Number(reducedAfter) }), sesh(300_000));
    assert.equal(creditAmount(onePercent, Number(reducedAfter) + 1, { circulatingOxen: CIRCULATING, reducedAfter: Number(reducedAfter) }), sesh(210_000));
    // Anyone can claim for the account; the tokens go to the account.
    const before = await balanceOf(user);
    await (await sys.as(6)).send(claims, abi, 'claim', [user]);
    assert.equal(await balanceOf(user), before + sesh(510_000));
    await expectRevert((await sys.as(6)).send(claims, abi, 'claim', [user]), 'NothingToClaim');
  });

  it('credits each burn once, only from the bridge, and refuses bad credits without state change', async () => {
    await fresh();
    const user = sys.accounts[4]!.address;
    const now = await sys.now();
    await credit(burnId('a'), user, 10n ** 12n, now);
    const owed = await read<bigint>('owed');
    await expectRevert((await bridge()).send(claims, abi, 'credit', [burnId('a'), user, 10n ** 12n, now]), 'AlreadyCredited');
    await expectRevert((await sys.as(2)).send(claims, abi, 'credit', [burnId('b'), user, 10n ** 12n, now]), 'NotBridge');
    await expectRevert((await bridge()).send(claims, abi, 'credit', [burnId('c'), user, 0n, now]), 'ZeroBurn');
    await expectRevert((await bridge()).send(claims, abi, 'credit', [burnId('d'), user, 1n, now + 1000n]), 'RecordedInFuture');
    await expectRevert((await bridge()).send(claims, abi, 'credit', [burnId('e'), user, CIRCULATING + 1n, now]), 'BudgetExceeded');
    assert.equal(await read('owed'), owed);
    assert.equal(await read('credited', [burnId('b')]), false);
  });

  it('never credits more than 30,000,000 SESH: the whole circulating supply exhausts the budget', async () => {
    await fresh();
    const now = await sys.now();
    await credit(burnId('all-1'), sys.accounts[5]!.address, CIRCULATING / 2n, now);
    await credit(burnId('all-2'), sys.accounts[5]!.address, CIRCULATING / 2n, now);
    assert.equal(await read('totalCredited'), COIN_CLAIMS_TOTAL);
    await expectRevert((await bridge()).send(claims, abi, 'credit', [burnId('all-3'), sys.accounts[5]!.address, 10n ** 9n, now]), 'BudgetExceeded');
    await expectRevert((await bridge()).send(claims, abi, 'credit', [burnId('all-4'), sys.accounts[5]!.address, 1n, now]), 'CreditRoundsToZero');
  });

  it('sweep rule: nothing before TGE+6m+grace; then 30% of the unburnt budget; from creditsEnd everything not owed', async () => {
    await fresh();
    const user = sys.accounts[3]!.address;
    await credit(burnId('s1'), user, CIRCULATING / 10n, await sys.now()); // 3,000,000 SESH owed, full rate
    await expectRevert((await sys.as(5)).send(claims, abi, 'sweep'), 'NothingToSweep');
    await goTo(reducedAfter + GRACE - 1n); // the next block is the last of the grace
    await expectRevert((await sys.as(5)).send(claims, abi, 'sweep'), 'NothingToSweep');
    // A late full-rate credit (recorded before TGE+6m) past the grace is refused.
    await goTo(reducedAfter + GRACE + 1n);
    await expectRevert((await bridge()).send(claims, abi, 'credit', [burnId('late'), user, 10n ** 9n, reducedAfter]), 'LateFullRateCredit');
    const unburnt = COIN_CLAIMS_TOTAL - sesh(3_000_000);
    const expected = unburnt - (unburnt * 7n + 9n) / 10n;
    assert.equal(await read('sweepable'), expected);
    const poolBefore = await balanceOf(pool);
    await (await sys.as(5)).send(claims, abi, 'sweep');
    assert.equal(await balanceOf(pool), poolBefore + expected);
    // Everything still claimable stays: the owed credit plus 0.7 of the unburnt budget.
    assert.equal(await balanceOf(claims), sesh(3_000_000) + (unburnt * 7n + 9n) / 10n);
    await goTo(creditsEnd);
    await (await sys.as(5)).send(claims, abi, 'sweep');
    assert.equal(await balanceOf(claims), sesh(3_000_000));
    await expectRevert((await bridge()).send(claims, abi, 'credit', [burnId('closed'), user, 1n, reducedAfter + 5n]), 'CreditsClosed');
    await (await sys.as(5)).send(claims, abi, 'claim', [user]);
    assert.equal(await balanceOf(claims), 0n);
  });

  it('stays solvent and within budget over random credit / claim / sweep / wait sequences', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('credit' as const), oxen: fc.bigInt({ min: 1n, max: CIRCULATING / 4n }), account: fc.integer({ min: 2, max: 7 }), late: fc.boolean() }),
      fc.record({ kind: fc.constant('claim' as const), account: fc.integer({ min: 2, max: 7 }) }),
      fc.record({ kind: fc.constant('sweep' as const) }),
      fc.record({ kind: fc.constant('wait' as const), days: fc.integer({ min: 1, max: 120 }) }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        await fresh();
        let paidOut = 0n;
        for (const step of ops) {
          const now = await sys.now();
          const account = sys.accounts[(step as { account?: number }).account ?? 2]!.address;
          if (step.kind === 'wait') await sys.increaseTime(step.days * 86_400);
          if (step.kind === 'credit') {
            const recordedAt = step.late && now > reducedAfter ? now : now < reducedAfter ? now : reducedAfter;
            const params = { circulatingOxen: CIRCULATING, reducedAfter: Number(reducedAfter) };
            try {
              const event = await credit(burnId(`p${n++}`), account, step.oxen, recordedAt);
              assert.equal(event.amount, creditAmount(step.oxen, Number(recordedAt), params), 'TS and Solidity formulas agree');
            } catch (error) {
              assert.match((error as Error).message, /BudgetExceeded|LateFullRateCredit|CreditsClosed|CreditRoundsToZero/);
            }
          }
          if (step.kind === 'claim' && (await read<bigint>('owedTo', [account])) > 0n) {
            const before = await balanceOf(account);
            await (await sys.as(0)).send(claims, abi, 'claim', [account]);
            paidOut += (await balanceOf(account)) - before;
          }
          if (step.kind === 'sweep' && (await read<bigint>('sweepable')) > 0n) await (await sys.as(0)).send(claims, abi, 'sweep');
          const [balance, owed, reserve, consumed, totalCredited] = await Promise.all([
            balanceOf(claims),
            read<bigint>('owed'),
            read<bigint>('reserve'),
            read<bigint>('consumed'),
            read<bigint>('totalCredited'),
          ]);
          assert.ok(balance >= owed + reserve, `solvent: ${balance} ≥ ${owed} + ${reserve}`);
          assert.ok(consumed <= COIN_CLAIMS_TOTAL && totalCredited <= consumed);
          assert.equal(totalCredited, owed + paidOut);
        }
      }),
      { numRuns: 12 },
    );
  });
});
