/**
 * The coin-claims bridge service: credits verified burns on OxenCoinClaims, each exactly
 * once. Restart-safe without local state: the contract's `credited(burnTx)` is the record,
 * so a re-run (after a crash, or on a growing burns file from cron) skips what is done, and
 * the contract refuses a duplicate anyway (AlreadyCredited).
 */
import { erc20Abi, type Address } from 'viem';
import { OxenCoinClaims } from '../../sdk/src/generated/contracts.ts';
import { contractAddress, updateDeployments } from '../../sdk/src/deployments.ts';
import { connect } from '../lib/chain.ts';
import type { BadRow } from '../lib/errors.ts';
import { COIN_CLAIMS_TOTAL, creditAmount } from './amount.ts';
import { readBurns, type BurnRecord } from './burns.ts';

export type CreditOptions = { burnsFile: string; deploymentsFile: string; key: string; skipBadRows?: boolean; log?: (line: string) => void };
export type CreditReport = { credited: number; alreadyCredited: number; amount: bigint; skipped: BadRow[]; tooSmall: BurnRecord[] };

export async function creditBurns(options: CreditOptions): Promise<CreditReport> {
  const log = options.log ?? (() => {});
  const { burns, skipped } = await readBurns(options.burnsFile, options.skipBadRows);
  const { deployments, signer } = await connect(options.deploymentsFile, options.key);
  const claims: Address = contractAddress(deployments, 'OxenCoinClaims');
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    signer.publicClient.readContract({ address: claims, abi: OxenCoinClaims.abi, functionName, args } as never) as Promise<T>;
  const params = { circulatingOxen: await read<bigint>('circulatingOxen'), reducedAfter: Number(await read<bigint>('reducedAfter')) };
  const report: CreditReport = { credited: 0, alreadyCredited: 0, amount: 0n, skipped, tooSmall: [] };
  for (const burn of burns) {
    if (await read<boolean>('credited', [burn.burnTx])) {
      report.alreadyCredited++;
      continue;
    }
    const amount = creditAmount(burn.oxen, burn.recordedAt, params);
    if (amount === 0n) {
      report.tooSmall.push(burn);
      log(`not credited: burn ${burn.burnTx.slice(2, 14)}… of ${burn.oxen} atomic OXEN earns less than 1 base unit (${burn.file}:${burn.line})`);
      continue;
    }
    await signer.send(claims, OxenCoinClaims.abi, 'credit', [burn.burnTx, burn.eth, burn.oxen, BigInt(burn.recordedAt)]);
    report.credited++;
    report.amount += amount;
    log(`credited ${burn.burnTx.slice(2, 14)}… → ${burn.eth}: ${amount} (${burn.file}:${burn.line})`);
  }
  return report;
}

export type CoinClaimsDeployOptions = {
  deploymentsFile: string;
  key: string;
  circulatingOxen: bigint;
  /** TGE + 6 months, unix seconds: burns recorded after it get 0.7×. */
  reducedAfter: number;
  fullRateGraceSeconds: number;
  creditsEnd: number;
  /** The bridge service's address; defaults to the signer. */
  bridge?: Address;
  log?: (line: string) => void;
};

/** Deploys OxenCoinClaims, funds it with 30,000,000 SESH from the signer, records it. */
export async function deployCoinClaims(options: CoinClaimsDeployOptions): Promise<Address> {
  const { deployments, signer } = await connect(options.deploymentsFile, options.key);
  const token = contractAddress(deployments, 'SESH');
  const pool = contractAddress(deployments, 'RewardRatePool');
  const address = await signer.deploy('OxenCoinClaims', [
    token,
    pool,
    options.bridge ?? signer.account.address,
    options.circulatingOxen,
    BigInt(options.reducedAfter),
    BigInt(options.fullRateGraceSeconds),
    BigInt(options.creditsEnd),
  ]);
  updateDeployments(options.deploymentsFile, { contracts: { ...deployments.contracts, OxenCoinClaims: address } });
  await signer.send(token, erc20Abi, 'transfer', [address, COIN_CLAIMS_TOTAL]);
  options.log?.(`OxenCoinClaims ${address}, funded with 30,000,000 SESH`);
  return address;
}
