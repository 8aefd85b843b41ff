/**
 * What the review step says before a transaction that moves stake or money: what happens, who
 * else it touches (every contributor of the node, by count and amount), and when the funds come
 * back, from the contract's own rules (sdk/src/staking/constants.ts). Pure: tested without a
 * browser, and every sentence comes from the message catalogue.
 */
import type { Address } from 'viem';
import { DEREGISTRATION_LOCK, EXIT_REQUEST_DELAY, EXIT_UNLOCK_DELAY, EXIT_WITHOUT_SIGNATURE_DELAY, SMALL_CONTRIBUTOR_EXIT_DELAY, WITHDRAW_DELAY } from '../../../sdk/src/staking/constants.ts';
import type { NodeView } from '../chain.ts';
import { duration, percent, sesh, short } from '../format.ts';
import { t } from '../i18n/index.ts';

export type Review = {
  title: string;
  /** What happens, in one or two sentences. */
  summary: string;
  /** Who else it touches (one line per contributor), when it is more than the sender. */
  affected?: { heading: string; lines: string[] };
  /** When (and how) the funds come back. */
  returns?: string;
  /** Said loudly: irreversible, or it touches other people's money. */
  warning?: string;
  /** The label of the confirm button. */
  confirm: string;
};

const d = (seconds: bigint) => duration(seconds);
const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();

function contributorsOf(node: NodeView, me?: Address): Review['affected'] {
  const lines = node.contributors.map((c) => {
    const who = same(c.contributor, node.operator) ? t('review.operator') : me && same(c.contributor, me) ? t('review.you') : short(c.contributor);
    return `${who}: ${sesh(c.amount)}`;
  });
  return { heading: t('review.contributors', { count: node.contributors.length }), lines };
}

/** The lock rules a new stake accepts (withdraw while filling, exit once running). */
export const stakeLockRules = (): string =>
  t('review.lockRules', { withdraw: d(WITHDRAW_DELAY), exitDelay: d(EXIT_REQUEST_DELAY), smallDelay: d(SMALL_CONTRIBUTOR_EXIT_DELAY), unlock: d(EXIT_UNLOCK_DELAY) });

export function reviewContribute(node: NodeView, amount: bigint, topUp: boolean): Review {
  return {
    title: t(topUp ? 'review.topUpTitle' : 'review.stakeTitle', { node: String(node.id) }),
    summary: t('review.stakeSummary', { amount: sesh(amount), node: String(node.id), operator: short(node.operator), fee: percent(node.feeBps) }),
    returns: stakeLockRules(),
    confirm: t(topUp ? 'review.confirmTopUp' : 'review.confirmStake', { amount: sesh(amount) }),
  };
}

export function reviewRequestExit(node: NodeView, me: Address): Review {
  const others = node.contributors.filter((c) => !same(c.contributor, me)).length;
  return {
    title: t('review.exitTitle', { node: String(node.id) }),
    summary: t('review.exitSummary', { node: String(node.id), count: node.contributors.length }),
    affected: contributorsOf(node, me),
    returns: t('review.exitReturns', { unlock: d(EXIT_UNLOCK_DELAY), fallback: d(EXIT_WITHOUT_SIGNATURE_DELAY) }),
    warning: others > 0 ? t('review.exitWarningOthers', { count: others }) : t('review.exitWarning'),
    confirm: t('review.confirmExit'),
  };
}

export function reviewCompleteExit(node: NodeView, me: Address, withoutSignature: boolean): Review {
  return {
    title: t('review.completeExitTitle', { node: String(node.id) }),
    summary: t(withoutSignature ? 'review.completeExitNoSigSummary' : 'review.completeExitSummary', { count: node.contributors.length }),
    affected: contributorsOf(node, me),
    returns: t('review.completeExitReturns'),
    confirm: t('review.confirmCompleteExit'),
  };
}

export function reviewCancel(node: NodeView, me: Address): Review {
  return {
    title: t('review.cancelTitle', { node: String(node.id) }),
    summary: t('review.cancelSummary', { count: node.contributors.length }),
    affected: contributorsOf(node, me),
    returns: t('review.cancelReturns'),
    warning: t('review.cancelWarning'),
    confirm: t('review.confirmCancel'),
  };
}

export function reviewWithdraw(node: NodeView, amount: bigint): Review {
  return {
    title: t('review.withdrawTitle', { node: String(node.id) }),
    summary: t('review.withdrawSummary', { amount: sesh(amount), node: String(node.id) }),
    returns: t('review.withdrawReturns'),
    confirm: t('review.confirmWithdraw', { amount: sesh(amount) }),
  };
}

export function reviewActivate(node: NodeView, me: Address): Review {
  return {
    title: t('review.activateTitle', { node: String(node.id) }),
    summary: t('review.activateSummary', { count: node.contributors.length }),
    affected: contributorsOf(node, me),
    returns: stakeLockRules(),
    confirm: t('review.confirmActivate'),
  };
}

export function reviewRelease(node: NodeView, me: Address): Review {
  return {
    title: t('review.releaseTitle', { node: String(node.id) }),
    summary: t('review.releaseSummary', { lock: d(DEREGISTRATION_LOCK) }),
    affected: contributorsOf(node, me),
    confirm: t('review.confirmRelease'),
  };
}

export function reviewClaim(amount: bigint): Review {
  return { title: t('review.claimTitle'), summary: t('review.claimSummary', { amount: sesh(amount) }), confirm: t('review.confirmClaim', { amount: sesh(amount) }) };
}

export function reviewRegister(a: { solo: boolean; amount: bigint; requirement: bigint; feeBps?: number; reservedCount?: number }): Review {
  return {
    title: t(a.solo ? 'review.soloTitle' : 'review.openTitle'),
    summary: a.solo
      ? t('review.soloSummary', { amount: sesh(a.amount) })
      : t('review.openSummary', { amount: sesh(a.amount), requirement: sesh(a.requirement), fee: percent(a.feeBps ?? 0), reserved: a.reservedCount ?? 0 }),
    returns: a.solo ? t('review.soloReturns', { exitDelay: d(EXIT_REQUEST_DELAY), unlock: d(EXIT_UNLOCK_DELAY) }) : t('review.openReturns', { unlock: d(EXIT_UNLOCK_DELAY), exitDelay: d(EXIT_REQUEST_DELAY) }),
    confirm: t(a.solo ? 'review.confirmSolo' : 'review.confirmOpen'),
  };
}

export function reviewNamePayment(kind: 'register' | 'renew', name: string, price: bigint, years: number): Review {
  return {
    title: t(kind === 'register' ? 'review.nameRegisterTitle' : 'review.nameRenewTitle', { name }),
    summary: t(kind === 'register' ? 'review.nameRegisterSummary' : 'review.nameRenewSummary', { name, price: sesh(price), count: years }),
    returns: t('review.priceGuard', { price: sesh(price) }),
    confirm: t('review.confirmPay', { price: sesh(price) }),
  };
}

export function reviewNameTransfer(name: string, to: Address): Review {
  return {
    title: t('review.transferTitle', { name }),
    summary: t('review.transferSummary', { name, to }),
    warning: t('review.transferWarning'),
    confirm: t('review.confirmTransfer'),
  };
}

export function reviewPro(a: { extend: boolean; days: number; price: bigint; accountId: string }): Review {
  return {
    title: t(a.extend ? 'review.proExtendTitle' : 'review.proBuyTitle'),
    summary: t('review.proSummary', { days: a.days, price: sesh(a.price), account: `${a.accountId.slice(0, 10)}…` }),
    returns: t('review.priceGuard', { price: sesh(a.price) }),
    confirm: t('review.confirmPay', { price: sesh(a.price) }),
  };
}
