/**
 * The testnet faucet: hands out testnet SESH to eligible addresses only, with a per-address
 * cooldown and a global hourly cap. State (eligibility, redeemed invites, drips) lives in
 * one JSON file written atomically before each transfer, so a crash never allows a double
 * drip. HTTP API (node:http):
 *   POST /drip     {"address":"0x…","invite":"<code>"?}  → {"tx":"0x…","amount":"…"}
 *   POST /invites  {"address":"0x…","time":<unix s>,"signature":"0x…"} → {"codes":[…]}
 *                  signature = personal_sign of inviteRequestMessage(address, time), ±5 min
 *   GET  /status   → {"stage":…}
 * Errors are JSON {"error":"FaucetError","message":"…"} with 400/403/429.
 */
import { createServer, type Server } from 'node:http';
import { erc20Abi, verifyMessage, type Address, type Hex } from 'viem';
import { contractAddress } from '../../sdk/src/deployments.ts';
import { formatSesh } from '../../sdk/src/units.ts';
import { connect } from '../lib/chain.ts';
import { parseAddress } from '../lib/parse.ts';
import { isEligible, loadState, redeemInvite, saveState } from './eligibility.ts';
import { inviteCodes, InviteError } from './invites.ts';

export type FaucetConfig = {
  stateFile: string;
  deploymentsFile: string;
  key: string;
  inviteSecret: Uint8Array;
  dripAmount: bigint;
  cooldownSeconds: number;
  maxPerHour: number;
  now?: () => number;
};

export class FaucetError extends Error {
  override name = 'FaucetError';
  constructor(
    message: string,
    readonly status: 400 | 403 | 429,
  ) {
    super(message);
  }
}

export function inviteRequestMessage(address: Address, time: number): string {
  return `Session testnet: show the invite codes of ${address} (request time ${time})`;
}

export async function createFaucet(config: FaucetConfig) {
  const now = config.now ?? (() => Math.floor(Date.now() / 1000));
  const { deployments, signer } = await connect(config.deploymentsFile, config.key);
  const token = contractAddress(deployments, 'SESH');
  loadState(config.stateFile); // fail early on a missing or broken file
  let queue: Promise<unknown> = Promise.resolve();
  // One request at a time: state checks and updates must not interleave.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };
  const address = (value: unknown): Address => {
    try {
      return parseAddress(String(value));
    } catch (error) {
      throw new FaucetError((error as Error).message, 400);
    }
  };

  return {
    token,
    drip: (to: unknown, invite?: string) =>
      serial(async () => {
        const recipient = address(to);
        const state = loadState(config.stateFile);
        const t = now();
        if (invite) {
          try {
            redeemInvite(state, config.inviteSecret, invite, recipient, t);
          } catch (error) {
            if (error instanceof InviteError) throw new FaucetError(error.message, 403);
            throw error;
          }
        }
        if (!isEligible(state, recipient)) {
          throw new FaucetError(`${recipient} is not eligible in stage ${state.stage}: ask a participant for an invite code`, 403);
        }
        const last = state.lastDrip[recipient];
        if (last !== undefined && t - last < config.cooldownSeconds) {
          throw new FaucetError(`${recipient} got testnet SESH ${t - last} s ago; try again in ${config.cooldownSeconds - (t - last)} s`, 429);
        }
        state.recentDrips = state.recentDrips.filter((d) => t - d < 3600);
        if (state.recentDrips.length >= config.maxPerHour) throw new FaucetError('the faucet is busy (hourly limit reached); try again later', 429);
        state.lastDrip[recipient] = t;
        state.recentDrips.push(t);
        saveState(config.stateFile, state); // before sending: a crash can lose a drip, never double it
        const tx = await signer.send(token, erc20Abi, 'transfer', [recipient, config.dripAmount]);
        return { tx, amount: config.dripAmount };
      }),
    invites: async (who: unknown, time: number, signature: Hex) => {
      const inviter = address(who);
      if (!Number.isInteger(time) || Math.abs(now() - time) > 300) throw new FaucetError('the request time must be within 5 minutes of now', 400);
      const ok = await verifyMessage({ address: inviter, message: inviteRequestMessage(inviter, time), signature }).catch(() => false);
      if (!ok) throw new FaucetError('the signature does not match the address', 403);
      const state = loadState(config.stateFile);
      if (state.stage < 2) throw new FaucetError('invite codes open in stage 2', 403);
      if (!isEligible(state, inviter)) throw new FaucetError(`${inviter} is not eligible, so it has no invite codes`, 403);
      const codes = inviteCodes(config.inviteSecret, inviter);
      return codes.map((code) => ({ code, redeemedBy: state.redeemed[code]?.by ?? null }));
    },
    status: () => ({ stage: loadState(config.stateFile).stage, dripAmount: formatSesh(config.dripAmount) }),
  };
}

export type Faucet = Awaited<ReturnType<typeof createFaucet>>;

async function body(req: import('node:http').IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) throw new FaucetError('request body too large', 400);
  }
  try {
    return JSON.parse(text || '{}') as Record<string, unknown>;
  } catch {
    throw new FaucetError('the body must be JSON', 400);
  }
}

export function serveFaucet(faucet: Faucet, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer(async (req, res) => {
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
    };
    try {
      if (req.method === 'GET' && req.url === '/status') return reply(200, faucet.status());
      if (req.method === 'POST' && req.url === '/drip') {
        const b = await body(req);
        return reply(200, await faucet.drip(b.address, typeof b.invite === 'string' ? b.invite : undefined));
      }
      if (req.method === 'POST' && req.url === '/invites') {
        const b = await body(req);
        return reply(200, { codes: await faucet.invites(b.address, Number(b.time), b.signature as Hex) });
      }
      reply(404, { error: 'NotFound', message: 'routes: POST /drip, POST /invites, GET /status' });
    } catch (error) {
      if (error instanceof FaucetError) return reply(error.status, { error: error.name, message: error.message });
      reply(500, { error: 'InternalError', message: (error as Error).message });
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
