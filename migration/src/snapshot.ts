/**
 * The simulated Oxen network: a CSV snapshot (one record per line; `#` lines and blank lines
 * are ignored). Times are unix seconds or ISO UTC; `-` means "never / none".
 *
 *   node,<id>,<registered_at>,<anchor_upgraded_at|->,<landing_upgraded_at|->,<fee_bps>
 *       id: the service node's 64-hex pubkey; fee_bps: operator fee 0..10000;
 *       anchor/landing_upgraded_at: when the node ran the Anchor / Landing release.
 *   contributor,<node id>,<oxen address>,<oxen staked, atomic>,<eth address|->,<eth_registered_at|->
 *       a stake in a node declared on an earlier line; the node's FIRST contributor is its
 *       operator; at most 10 per node; eth: the ETH address registered for the bonus
 *       program (and when), `-` if the contributor never registered one. An ETH address has
 *       one registration time wherever it appears.
 *   testnet,<eth address>,<score>
 *       a testnet incentive participant's score (a positive integer, e.g. from
 *       `programs testnet-score`); the incentive pool is split pro rata.
 */
import { readFileSync } from 'node:fs';
import type { Address } from 'viem';
import { badRowSink, checkBadRows } from '../../programs/lib/errors.ts';
import { parseAddress, parseAtomic, parseTime } from '../../programs/lib/parse.ts';
import { MigrationError } from './errors.ts';

export type Contribution = {
  oxenAddress: string;
  oxen: bigint;
  eth: Address | null;
  ethRegisteredAt: number | null;
  line: number;
};

export type OxenNode = {
  id: string;
  registeredAt: number;
  anchorUpgradedAt: number | null;
  landingUpgradedAt: number | null;
  feeBps: number;
  /** Operator first. */
  contributors: Contribution[];
  line: number;
};

export type Snapshot = { nodes: OxenNode[]; testnet: { address: Address; score: bigint }[] };

const NODE_ID = /^[0-9a-f]{64}$/;
const OXEN_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{20,110}$/;

const maybe = <T>(text: string, parse: (t: string) => T): T | null => (text === '-' ? null : parse(text));
const time = (what: string) => (t: string) => parseTime(t, what);

export function parseSnapshot(text: string, file = 'snapshot'): Snapshot {
  const bad = badRowSink();
  const nodes = new Map<string, OxenNode>();
  const ethTimes = new Map<Address, { at: number | null; line: number }>();
  const testnet = new Map<Address, { score: bigint; line: number }>();
  text.split('\n').forEach((full, i) => {
    const line = i + 1;
    const body = full.trim();
    if (body === '' || body.startsWith('#')) return;
    const f = body.split(',');
    try {
      if (f[0] === 'node') {
        if (f.length !== 6) throw new Error(`a node row has 6 fields node,id,registered_at,anchor_upgraded_at,landing_upgraded_at,fee_bps; got ${f.length}`);
        const [, id, reg, anchor, landing, fee] = f as [string, string, string, string, string, string];
        if (!NODE_ID.test(id)) throw new Error(`node id "${id}" must be 64 lowercase hex digits`);
        if (nodes.has(id)) throw new Error(`node ${id.slice(0, 12)}… is declared twice (first on line ${nodes.get(id)!.line})`);
        if (!/^\d{1,5}$/.test(fee) || Number(fee) > 10_000) throw new Error(`fee_bps must be an integer 0..10000, got "${fee}"`);
        const node: OxenNode = {
          id,
          registeredAt: parseTime(reg, 'registered_at'),
          anchorUpgradedAt: maybe(anchor, time('anchor_upgraded_at')),
          landingUpgradedAt: maybe(landing, time('landing_upgraded_at')),
          feeBps: Number(fee),
          contributors: [],
          line,
        };
        if (node.landingUpgradedAt !== null && node.anchorUpgradedAt === null) throw new Error('a node cannot run the Landing release without the Anchor one: set anchor_upgraded_at');
        nodes.set(id, node);
      } else if (f[0] === 'contributor') {
        if (f.length !== 6) throw new Error(`a contributor row has 6 fields contributor,node,oxen_address,oxen,eth,eth_registered_at; got ${f.length}`);
        const [, id, oxenAddress, amount, ethText, regText] = f as [string, string, string, string, string, string];
        const node = nodes.get(id);
        if (!node) throw new Error(`node ${id.slice(0, 12)}… is not declared on an earlier line`);
        if (!OXEN_ADDRESS.test(oxenAddress)) throw new Error(`"${oxenAddress}" is not an Oxen address (base58)`);
        const oxen = parseAtomic(amount, 'oxen');
        if (oxen === 0n) throw new Error('oxen staked must be positive');
        if (node.contributors.length >= 10) throw new Error('a node has at most 10 contributors');
        if (node.contributors.some((c) => c.oxenAddress === oxenAddress)) throw new Error(`${oxenAddress.slice(0, 12)}… already contributes to this node`);
        const eth = maybe(ethText, parseAddress);
        const ethRegisteredAt = maybe(regText, time('eth_registered_at'));
        if ((eth === null) !== (ethRegisteredAt === null)) throw new Error('eth and eth_registered_at are both set or both `-`');
        if (eth) {
          const seen = ethTimes.get(eth);
          if (seen && seen.at !== ethRegisteredAt) throw new Error(`${eth} was registered at another time on line ${seen.line}`);
          if (!seen) ethTimes.set(eth, { at: ethRegisteredAt, line });
        }
        node.contributors.push({ oxenAddress, oxen, eth, ethRegisteredAt, line });
      } else if (f[0] === 'testnet') {
        if (f.length !== 3) throw new Error(`a testnet row has 3 fields testnet,address,score; got ${f.length}`);
        const address = parseAddress(f[1]!);
        if (!/^[1-9]\d{0,20}$/.test(f[2]!)) throw new Error(`score must be a positive integer, got "${f[2]}"`);
        if (testnet.has(address)) throw new Error(`${address} has a score already (line ${testnet.get(address)!.line})`);
        testnet.set(address, { score: BigInt(f[2]!), line });
      } else {
        throw new Error(`unknown row kind "${f[0]}" (node, contributor or testnet)`);
      }
    } catch (error) {
      bad.add(file, line, (error as Error).message, full);
    }
  });
  for (const node of nodes.values()) if (node.contributors.length === 0) bad.add(file, node.line, `node ${node.id.slice(0, 12)}… has no contributor (the first one is its operator)`, '');
  checkBadRows(bad, false);
  return { nodes: [...nodes.values()], testnet: [...testnet].map(([address, t]) => ({ address, score: t.score })) };
}

export function readSnapshot(path: string): Snapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MigrationError(`cannot read the snapshot ${path} (${(error as Error).message}); pass --snapshot FILE (see migration/sample/snapshot.csv)`);
  }
  return parseSnapshot(text, path);
}

export function formatSnapshot(snapshot: Snapshot, header: string[] = []): string {
  const t = (v: number | null) => (v === null ? '-' : String(v));
  const lines = header.map((h) => `# ${h}`);
  for (const n of snapshot.nodes) {
    lines.push(`node,${n.id},${n.registeredAt},${t(n.anchorUpgradedAt)},${t(n.landingUpgradedAt)},${n.feeBps}`);
    for (const c of n.contributors) lines.push(`contributor,${n.id},${c.oxenAddress},${c.oxen},${c.eth ?? '-'},${t(c.ethRegisteredAt)}`);
  }
  for (const p of snapshot.testnet) lines.push(`testnet,${p.address},${p.score}`);
  return `${lines.join('\n')}\n`;
}
