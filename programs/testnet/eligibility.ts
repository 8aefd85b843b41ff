/**
 * Who may take part in the testnet (and use the faucet), by stage:
 *   1 snapshot allowlist; 2 + anyone who redeemed an invite code from an eligible
 *   participant; 3 public (everyone).
 * The state file (JSON, written atomically) holds the stage, the allowlist, redeemed codes
 * and the faucet's last drip per address.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Address } from 'viem';
import { writeFileAtomic } from '../lib/io.ts';
import { parseAddress } from '../lib/parse.ts';
import { InviteError, verifyInviteCode } from './invites.ts';

export type Stage = 1 | 2 | 3;
export type EligibilityState = {
  stage: Stage;
  allowlist: Address[];
  /** code → who redeemed it, invited by whom, when (unix s). */
  redeemed: Record<string, { by: Address; inviter: Address; at: number }>;
  /** address → last faucet drip (unix s). */
  lastDrip: Record<string, number>;
  /** unix s of every drip in the last hour, for the global rate limit. */
  recentDrips: number[];
};

export function emptyState(stage: Stage, allowlist: Address[] = []): EligibilityState {
  return { stage, allowlist, redeemed: {}, lastDrip: {}, recentDrips: [] };
}

export function loadState(path: string): EligibilityState {
  if (!existsSync(path)) throw new Error(`no eligibility state at ${path}: create one with programs testnet init`);
  const state = JSON.parse(readFileSync(path, 'utf8')) as EligibilityState;
  if (![1, 2, 3].includes(state.stage)) throw new Error(`${path}: stage must be 1, 2 or 3`);
  return state;
}

export function saveState(path: string, state: EligibilityState): void {
  writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}

export function isEligible(state: EligibilityState, address: Address): boolean {
  if (state.stage === 3) return true;
  if (state.allowlist.includes(address)) return true;
  return state.stage >= 2 && Object.values(state.redeemed).some((r) => r.by === address);
}

/** Redeems `code` for `address` (mutates state; the caller saves it). */
export function redeemInvite(state: EligibilityState, secret: Uint8Array, code: string, address: Address, now: number): void {
  if (state.stage < 2) throw new InviteError('invite codes open in stage 2; the testnet is still allowlist-only');
  const { inviter } = verifyInviteCode(secret, code);
  const used = state.redeemed[code];
  if (used) throw new InviteError(`invite code already used (by ${used.by})`);
  if (inviter === address) throw new InviteError('you cannot redeem your own invite code');
  if (!isEligible(state, inviter)) throw new InviteError(`the inviter ${inviter} is not eligible, so their codes are not valid`);
  if (isEligible(state, address)) throw new InviteError(`${address} is already eligible; keep the code for someone else`);
  state.redeemed[code] = { by: address, inviter, at: now };
}

/** Reads an allowlist: one address per line ('#' comments allowed). */
export function parseAllowlist(text: string): Address[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(parseAddress);
}

export function readAllowlist(path: string): Address[] {
  return parseAllowlist(readFileSync(path, 'utf8'));
}
