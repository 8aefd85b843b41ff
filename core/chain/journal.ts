/**
 * The tracker's on-disk journal: one JSON line per processed block (its logs, hash and time),
 * appended with fsync. Events and progress live in the same line, so "applied" and
 * "checkpointed" can never disagree after a crash: a block is either fully in the journal
 * (and is replayed on restart) or not at all (and is fetched again).
 *
 * A torn last line (crash mid-append) is dropped on open; a damaged line cuts the journal
 * there (the rest is fetched from the chain again). Rollbacks and compaction rewrite the
 * file atomically (temp + fsync + rename).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Hex } from 'viem';
import { writeFileAtomic } from '../atomic-file.ts';

export const JOURNAL_VERSION = 1;
export const JOURNAL_FILE = 'chain-journal.jsonl';

/** Identifies what the journal follows; opening it with another identity is refused. */
export type JournalIdentity = {
  chainId: number;
  deployBlock: number;
  /** Fingerprint of the log filter (addresses + event selectors). */
  filter: string;
};

export type RawLog = {
  address: Hex;
  topics: Hex[];
  data: Hex;
  logIndex: number;
  transactionHash: Hex;
  transactionIndex: number;
};

export type JournalBlock = {
  number: number;
  hash: Hex;
  parentHash: Hex;
  timestamp: number;
  /** In log-index order; empty for a progress mark (the end of a processed range). */
  logs: RawLog[];
};

export class JournalError extends Error {
  override name = 'JournalError';
}

export type Journal = {
  readonly path: string;
  /** Set when opening found damage and cut the journal there. */
  readonly repaired?: string;
  /** Every block in the journal, ascending. */
  blocks: () => readonly JournalBlock[];
  last: () => JournalBlock | undefined;
  /** Appends blocks (ascending, above the last one) in one write + fsync. */
  append: (blocks: readonly JournalBlock[]) => void;
  /** Drops every block above `toBlock` (atomic rewrite). */
  truncateAbove: (toBlock: number) => void;
  /** Drops old empty progress marks, keeping the last `keepMarks` of them and every block with logs. */
  compact: (keepMarks: number) => void;
  close: () => void;
};

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

function isBlock(v: unknown): v is JournalBlock {
  const b = v as JournalBlock;
  return (
    typeof b === 'object' && b !== null && Number.isSafeInteger(b.number) && typeof b.hash === 'string' &&
    typeof b.parentHash === 'string' && Number.isSafeInteger(b.timestamp) && Array.isArray(b.logs)
  );
}

/** Opens (or creates) the journal in `dataDir`, checking it belongs to the same chain and filter. */
export function openJournal(dataDir: string, identity: JournalIdentity): Journal {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, JOURNAL_FILE);
  const header = { kind: 'header', version: JOURNAL_VERSION, ...identity };
  let blocks: JournalBlock[] = [];
  let repaired: string | undefined;

  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    // Everything after the last newline is a torn append: drop it.
    const complete = lines.slice(0, -1);
    const torn = lines[lines.length - 1] !== '';
    if (complete.length === 0) {
      blocks = [];
    } else {
      let head: typeof header;
      try {
        head = JSON.parse(complete[0]!);
      } catch {
        throw new JournalError(`${path}: the first line is not a journal header; move the file away to resync from the deploy block`);
      }
      if (head.kind !== 'header' || head.version !== JOURNAL_VERSION) {
        throw new JournalError(`${path}: unsupported journal (version ${String(head.version)}); move the file away to resync`);
      }
      if (head.chainId !== identity.chainId || head.deployBlock !== identity.deployBlock || head.filter !== identity.filter) {
        throw new JournalError(
          `${path} belongs to chain ${head.chainId} from block ${head.deployBlock} (filter ${head.filter}), ` +
            `not chain ${identity.chainId} from block ${identity.deployBlock} (filter ${identity.filter}); use another --data-dir`,
        );
      }
      for (let i = 1; i < complete.length; i++) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(complete[i]!);
        } catch {
          parsed = undefined;
        }
        const previous = blocks[blocks.length - 1];
        if (!isBlock(parsed) || (previous && parsed.number <= previous.number)) {
          // Damage (a write the disk lost half of). The chain is the source of truth: keep
          // the blocks before it and fetch the rest again. Never skip over it, or a later
          // line would be replayed without the blocks it builds on.
          repaired = `${path}:${i + 1} is damaged; dropped it and the ${complete.length - i - 1} lines after it, they will be fetched again`;
          break;
        }
        blocks.push(parsed);
      }
    }
    if (torn || repaired || complete.length === 0) rewrite();
  } else {
    rewrite();
  }

  let fd = openSync(path, 'a');

  function rewrite() {
    writeFileAtomic(path, line(header) + blocks.map(line).join(''));
  }

  return {
    path,
    repaired,
    blocks: () => blocks,
    last: () => blocks[blocks.length - 1],
    append(next) {
      if (next.length === 0) return;
      let previous = blocks[blocks.length - 1]?.number ?? -1;
      for (const b of next) {
        if (b.number <= previous) throw new JournalError(`append: block ${b.number} is not above ${previous}`);
        previous = b.number;
      }
      const bytes = Buffer.from(next.map(line).join(''), 'utf8');
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
      blocks.push(...next);
    },
    truncateAbove(toBlock) {
      const kept = blocks.filter((b) => b.number <= toBlock);
      if (kept.length === blocks.length) return;
      blocks = kept;
      closeSync(fd);
      rewrite();
      fd = openSync(path, 'a');
    },
    compact(keepMarks) {
      const marks = blocks.filter((b) => b.logs.length === 0);
      if (marks.length <= Math.max(1, keepMarks)) return;
      const dropped = new Set(marks.slice(0, marks.length - Math.max(1, keepMarks)));
      blocks = blocks.filter((b) => !dropped.has(b));
      closeSync(fd);
      rewrite();
      fd = openSync(path, 'a');
    },
    close() {
      closeSync(fd);
    },
  };
}
