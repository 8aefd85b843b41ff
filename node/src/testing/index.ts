/**
 * The testing part of a node, assembled: assignment book, report store, ladder and loop.
 * main.ts wires it; tests can build one against a real chain the same way.
 */
import type { Address, Hex } from 'viem';
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import type { NodeState } from '../../../core/state/network-state.ts';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import type { MembershipRules } from '../../../sdk/src/network/rules.ts';
import type { TestReport } from '../../../sdk/src/network/test-report.ts';
import { assignmentOf, periodOf } from './assignment.ts';
import { createAssignmentBook, createReportStore } from './reports.ts';
import { createLadder } from './ladder.ts';
import { createTestingLoop } from './loop.ts';
import { decommissioned } from './standing.ts';
import type { StorageChecker } from '../storage/storage-check.ts';

export function createTesting(o: {
  network: NetworkConsumer;
  chainId: number;
  contract: Address;
  identity: Ed25519Identity;
  rules: MembershipRules;
  urlOf: (ed25519: Hex) => string | undefined;
  creditLeft: (node: NodeState, chainNow: bigint) => bigint;
  publish?: (report: TestReport) => void;
  /** The storage test; absent: the storage check is 'skip'. */
  storage?: StorageChecker;
  now?: () => number;
  log?: (line: string) => void;
}) {
  const now = o.now ?? (() => Date.now() / 1000);
  const currentPeriod = () => periodOf(now(), o.rules.testPeriodSec);
  const windowPeriods = Math.ceil(Math.max(o.rules.decommissionAfterSec, o.rules.recommissionAfterSec) / o.rules.testPeriodSec) + 1;
  const book = createAssignmentBook((period) => assignmentOf(o.network.view().state, { chainId: o.chainId, staking: o.contract, period, testersPerNode: o.rules.testersPerNode }));
  const keyOf = (nodeId: bigint) => {
    const n = o.network.view().state.nodes.get(nodeId);
    return n && (n.status === 'running' || n.status === 'exitRequested') ? n.ed25519Key : undefined;
  };
  const isDecommissioned = (nodeId: bigint) => {
    const n = o.network.view().state.nodes.get(nodeId);
    return n !== undefined && decommissioned(n);
  };
  const store = createReportStore({ chainId: o.chainId, contract: o.contract, book, keyOf, currentPeriod, windowPeriods, isDecommissioned });
  const ladder = createLadder({ network: o.network, rules: o.rules, store, book, currentPeriod, creditLeft: o.creditLeft });
  const loop = createTestingLoop({ network: o.network, chainId: o.chainId, contract: o.contract, identity: o.identity, rules: o.rules, book, store, urlOf: o.urlOf, publish: o.publish, storage: o.storage, now, log: o.log });
  return { book, store, ladder, loop, network: o.network };
}
