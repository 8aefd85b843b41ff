/**
 * sesh pro …: buy, status, proof (a session node's signed proof, verified offline).
 */
import { erc20Abi, type Abi, type Hex } from 'viem';
import { renameSync, writeFileSync } from 'node:fs';
import { contractAddress, readDeployments } from '../../sdk/src/deployments.ts';
import { buyProCall, proStatus, proTier } from '../../sdk/src/pro/calls.ts';
import { parseAccountId } from '../../sdk/src/names/accountId.ts';
import { formatSesh } from '../../sdk/src/units.ts';
import { verifyProProof, type ProProof } from '../../sdk/src/pro/proof.ts';
import { NODE_USAGE, nodeGet, nodeUrl } from '../node-api.ts';
import { CliError, COMMON_USAGE, connect, parse, positional, send, signer, type CliCommand } from '../lib.ts';
import { chooseMaxPrice, MAX_PRICE_USAGE, priceText, sendPriced } from '../max-price.ts';

const buyUsage = `Usage: npm run sesh -- pro buy ACCOUNT_ID [--tier N] [--max-price SESH] [options]

Buys or extends Session Pro for any Session account ID (05 + 64 hex); the extension counts
from the later of the current expiry and now. The signer pays in SESH, at most the price shown.

  --tier N           tier id (default 1)
${MAX_PRICE_USAGE}

${COMMON_USAGE}`;

const statusUsage = `Usage: npm run sesh -- pro status ACCOUNT_ID [options]

Shows whether the account has Session Pro and until when. Reads the chain, or asks a
session node (GET /pro/ACCOUNT_ID) with --node.

${NODE_USAGE}
${COMMON_USAGE}`;

const proofUsage = `Usage: npm run sesh -- pro proof ACCOUNT_ID --node URL [--trusted-node KEY]… [--out FILE] [options]

Fetches a short-lived proof that ACCOUNT_ID has Session Pro, signed by the session node's
ed25519 key (GET /pro/ACCOUNT_ID/proof), and verifies it offline like a messenger client:
signature, chain and SessionPro address (from --deployments), trusted key, expiry.

  --node URL           the session node to ask (required)
  --trusted-node KEY   ed25519 public key (0x + 64 hex) to trust (repeatable); without it
                       the node's own key from GET /info is trusted, and this is said
  --out FILE           also write the proof JSON to FILE

${COMMON_USAGE}`;

const iso = (t: number | bigint) => new Date(Number(t) * 1000).toISOString();

export const command: CliCommand = {
  name: 'pro',
  summary: 'Session Pro subscriptions',
  subcommands: [
    {
      name: 'buy',
      summary: 'buy or extend Pro for an account',
      usage: buyUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { tier: { type: 'string', default: '1' }, 'max-price': { type: 'string' } }, buyUsage);
        const accountId = positional(positionals, 0, 'ACCOUNT_ID', buyUsage);
        parseAccountId(accountId);
        if (!/^\d+$/.test(values.tier!)) throw new CliError(`--tier must be a tier number, not "${values.tier}"`);
        const ctx = connect(values);
        const s = signer(ctx, values);
        const tier = await proTier(s.publicClient, ctx.deployments, BigInt(values.tier!));
        if (!tier.active) throw new CliError(`tier ${tier.id} is not on sale`);
        const maxPrice = chooseMaxPrice(tier.price, values['max-price']);
        io.out(`buying Pro tier ${tier.id} (${Number(tier.duration) / 86_400} days) for ${accountId}: ${priceText(tier.price, maxPrice)}`);
        const pro = contractAddress(ctx.deployments, 'SessionPro');
        const token = contractAddress(ctx.deployments, 'SESH');
        const allowance = await s.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'allowance', args: [s.account.address, pro] });
        if (allowance < maxPrice) {
          io.out(`approving ${formatSesh(maxPrice)} SESH to ${pro}…`);
          await send(s, { address: token, abi: erc20Abi as Abi, functionName: 'approve', args: [pro, maxPrice] });
        }
        const { hash } = await sendPriced(s, buyProCall(ctx.deployments, accountId, tier.id, maxPrice));
        const status = await proStatus(s.publicClient, ctx.deployments, accountId);
        io.out(`Pro active until ${new Date(Number(status.expiry) * 1000).toISOString()} (tx ${hash})`);
      },
    },
    {
      name: 'status',
      summary: 'Pro status of an account',
      usage: statusUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { node: { type: 'string' } }, statusUsage);
        const accountId = positional(positionals, 0, 'ACCOUNT_ID', statusUsage);
        parseAccountId(accountId);
        const status = values.node
          ? await nodeGet<{ expiry: number; active: boolean }>(nodeUrl(values.node), `/pro/${accountId}`).then((s) => ({ expiry: BigInt(s!.expiry), active: s!.active }))
          : await (async () => {
              const ctx = connect(values);
              return proStatus(ctx.clients.publicClient, ctx.deployments, accountId);
            })();
        io.out(status.active ? `active until ${iso(status.expiry)}` : status.expiry === 0n ? 'no Pro subscription' : `expired at ${iso(status.expiry)}`);
      },
    },
    {
      name: 'proof',
      summary: 'fetch a node-signed Pro proof and verify it offline',
      usage: proofUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { node: { type: 'string' }, 'trusted-node': { type: 'string', multiple: true }, out: { type: 'string' } }, proofUsage);
        const accountId = positional(positionals, 0, 'ACCOUNT_ID', proofUsage);
        parseAccountId(accountId);
        if (!values.node) throw new CliError(`--node URL is required\n\n${proofUsage}`);
        const base = nodeUrl(values.node);
        const deployments = readDeployments(values.deployments!);
        let trusted = (values['trusted-node'] ?? []) as Hex[];
        for (const key of trusted) if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new CliError(`--trusted-node must be an ed25519 public key (0x + 64 hex), not "${key}"`);
        if (trusted.length === 0) {
          const info = await nodeGet<{ ed25519PublicKey: Hex }>(base, '/info');
          trusted = [info!.ed25519PublicKey];
          io.out(`trusting the node's own key ${trusted[0]} (pass --trusted-node to pin it)`);
        }
        const proof = await nodeGet<ProProof>(base, `/pro/${accountId}/proof`, ['no_active_pro']);
        if (!proof) throw new CliError(`${accountId} has no active Pro subscription; the node issues no proof`);
        let verified: { expiresAt: number };
        try {
          verified = verifyProProof(proof, { trustedNodes: trusted, domain: { chainId: deployments.chainId, pro: contractAddress(deployments, 'SessionPro') } });
        } catch (error) {
          throw new CliError(`the node's proof does not verify: ${(error as Error).message}`);
        }
        if (values.out) {
          writeFileSync(`${values.out}.tmp`, `${JSON.stringify(proof, null, 2)}\n`);
          renameSync(`${values.out}.tmp`, values.out);
        }
        io.out(`verified: ${proof.accountId} has Pro; proof signed by ${proof.nodePublicKey}, valid until ${iso(verified.expiresAt)}`);
        io.out(JSON.stringify(proof));
      },
    },
  ],
};
