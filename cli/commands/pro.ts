/**
 * sesh pro …: buy, status.
 */
import { erc20Abi, type Abi } from 'viem';
import { contractAddress } from '../../sdk/src/deployments.ts';
import { buyProCall, proStatus, proTier } from '../../sdk/src/pro/calls.ts';
import { parseAccountId } from '../../sdk/src/names/accountId.ts';
import { formatSesh } from '../../sdk/src/units.ts';
import { CliError, COMMON_USAGE, connect, parse, positional, send, signer, type CliCommand } from '../lib.ts';

const buyUsage = `Usage: npm run sesh -- pro buy ACCOUNT_ID [--tier N] [options]

Buys or extends Session Pro for any Session account ID (05 + 64 hex); the extension counts
from the later of the current expiry and now. The signer pays in SESH.

  --tier N   tier id (default 1)

${COMMON_USAGE}`;

const statusUsage = `Usage: npm run sesh -- pro status ACCOUNT_ID [options]

Shows whether the account has Session Pro and until when.

${COMMON_USAGE}`;

export const command: CliCommand = {
  name: 'pro',
  summary: 'Session Pro subscriptions',
  subcommands: [
    {
      name: 'buy',
      summary: 'buy or extend Pro for an account',
      usage: buyUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { tier: { type: 'string', default: '1' } }, buyUsage);
        const accountId = positional(positionals, 0, 'ACCOUNT_ID', buyUsage);
        parseAccountId(accountId);
        if (!/^\d+$/.test(values.tier!)) throw new CliError(`--tier must be a tier number, not "${values.tier}"`);
        const ctx = connect(values);
        const s = signer(ctx, values);
        const tier = await proTier(s.publicClient, ctx.deployments, BigInt(values.tier!));
        if (!tier.active) throw new CliError(`tier ${tier.id} is not on sale`);
        io.out(`buying Pro tier ${tier.id} (${Number(tier.duration) / 86_400} days) for ${accountId}: ${formatSesh(tier.price)} SESH`);
        const pro = contractAddress(ctx.deployments, 'SessionPro');
        const token = contractAddress(ctx.deployments, 'SESH');
        const allowance = await s.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'allowance', args: [s.account.address, pro] });
        if (allowance < tier.price) await send(s, { address: token, abi: erc20Abi as Abi, functionName: 'approve', args: [pro, tier.price] });
        const { hash } = await send(s, buyProCall(ctx.deployments, accountId, tier.id));
        const status = await proStatus(s.publicClient, ctx.deployments, accountId);
        io.out(`Pro active until ${new Date(Number(status.expiry) * 1000).toISOString()} (tx ${hash})`);
      },
    },
    {
      name: 'status',
      summary: 'Pro status of an account',
      usage: statusUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, {}, statusUsage);
        const ctx = connect(values);
        const status = await proStatus(ctx.clients.publicClient, ctx.deployments, positional(positionals, 0, 'ACCOUNT_ID', statusUsage));
        io.out(status.active ? `active until ${new Date(Number(status.expiry) * 1000).toISOString()}` : status.expiry === 0n ? 'no Pro subscription' : `expired at ${new Date(Number(status.expiry) * 1000).toISOString()}`);
      },
    },
  ],
};
