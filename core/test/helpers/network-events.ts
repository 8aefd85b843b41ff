/**
 * Hand-made staking events for the network-state tests: NodeOpened with a real ed25519
 * registration signature (or a broken / missing one), and a tiny chain builder.
 */
import { keccak256, toBytes, type Address, type Hex } from 'viem';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ed25519SignatureWords, signEd25519Registration } from '../../../sdk/src/staking/ed25519-proof.ts';
import type { TrackedBlock, TrackedEvent } from '../../chain/tracker.ts';

export const TEST_CHAIN_ID = 31337;

/** A deterministic ed25519 key pair per label (the same label: the same key). */
export function edKey(label: string | number): { secret: Uint8Array; publicKey: Hex } {
  const secret = toBytes(keccak256(toBytes(`test-ed25519-${label}`)));
  return { secret, publicKey: `0x${bytesToHex(ed25519.getPublicKey(secret))}` };
}

export type OpeningArgs = {
  nodeId: bigint;
  operator: Address;
  blsKey: { x: bigint; y: bigint };
  feeBps: number;
  stakeRequired: bigint;
  autoActivate: boolean;
};

/**
 * NodeOpened args signed by the ed25519 key of `keyLabel` (default: the node id), as the
 * contract will emit them (ed25519Signature as bytes32[2]).
 */
export function signedOpening(staking: Address, args: OpeningArgs, keyLabel: string | number = String(args.nodeId), chainId = TEST_CHAIN_ID): Record<string, unknown> {
  const key = edKey(keyLabel);
  const signature = signEd25519Registration(key.secret, { chainId, contract: staking, operator: args.operator, blsKey: args.blsKey });
  return { ...args, ed25519Key: key.publicKey, ed25519Signature: ed25519SignatureWords(signature) };
}

export const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;

/** Builds blocks of events with increasing log indexes; `tx` groups events into one transaction. */
export function chainBuilder() {
  let logIndex = 0;
  const blocks: { block: TrackedBlock; events: TrackedEvent[] }[] = [];
  return {
    blocks,
    add(number: number, events: { address: Address; eventName: string; args: Record<string, unknown>; tx?: string }[]) {
      const block: TrackedBlock = { number, hash: `0x${number.toString(16).padStart(64, '0')}`, parentHash: '0x', timestamp: 1_000_000 + number * 3_600 };
      blocks.push({
        block,
        events: events.map((e) => ({
          blockNumber: number,
          blockHash: block.hash,
          logIndex: logIndex++,
          transactionHash: keccak256(toBytes(e.tx ?? `tx-${number}`)),
          address: e.address,
          eventName: e.eventName,
          args: e.args,
        })),
      });
      return block;
    },
  };
}
