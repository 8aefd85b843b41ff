/**
 * A signed test report: tester T says what it found when it tested node N in period p.
 * Signed with T's registered ed25519 key over a domain-separated encoding, so a report can be
 * gossiped, stored and shown as evidence by anyone, and checked by anyone against the chain
 * (the key is T's registered key; T was assigned to N in p: node/src/testing/assignment.ts).
 * Pure: used by nodes, gateways and the portal.
 */
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../crypto/ed25519.ts';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export const TEST_REPORT_DOMAIN = 'SESH.network.test-report.v1';
export const CHECK_NAMES = ['reachable', 'keys', 'ledger', 'signing', 'storage'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
export type CheckResult = 'pass' | 'fail' | 'skip';
export const MAX_REASON_LENGTH = 300;

type Hex = `0x${string}`;

export type TestReport = {
  version: 1;
  chainId: number;
  /** SessionStaking address (lower case). */
  contract: Hex;
  period: number;
  /** Node ids as decimal strings. */
  tester: string;
  testerKey: Hex;
  tested: string;
  ok: boolean;
  checks: Record<CheckName, CheckResult>;
  reason: string | null;
  /** Unix seconds, the tester's clock. */
  at: number;
  signature: Hex;
};

export type UnsignedTestReport = Omit<TestReport, 'signature' | 'version'>;

export class TestReportError extends Error {
  override name = 'TestReportError';
}

const RESULT_CODE: Record<CheckResult, number> = { pass: 1, fail: 2, skip: 3 };
const enc = new TextEncoder();
const u64 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
};
const ID = /^[1-9][0-9]{0,19}$/;
const HEX32 = /^0x[0-9a-f]{64}$/;
const ADDRESS = /^0x[0-9a-f]{40}$/;

/** Checks the shape (not the signature); returns a reason or null. */
export function reportShapeProblem(r: unknown): string | null {
  const x = r as Partial<TestReport>;
  if (typeof x !== 'object' || x === null) return 'a report is an object';
  if (x.version !== 1) return 'version must be 1';
  if (!Number.isSafeInteger(x.chainId) || x.chainId! <= 0) return 'chainId must be a positive integer';
  if (typeof x.contract !== 'string' || !ADDRESS.test(x.contract)) return 'contract must be a lower-case 20-byte address';
  if (!Number.isSafeInteger(x.period) || x.period! < 0) return 'period must be a non-negative integer';
  for (const f of ['tester', 'tested'] as const) {
    if (typeof x[f] !== 'string' || !ID.test(x[f]!) || BigInt(x[f]!) >= 2n ** 64n) return `${f} must be a node id (decimal string, 1 … 2^64−1)`;
  }
  if (x.tester === x.tested) return 'a node does not test itself';
  if (typeof x.testerKey !== 'string' || !HEX32.test(x.testerKey)) return 'testerKey must be a lower-case 32-byte ed25519 key';
  if (typeof x.ok !== 'boolean') return 'ok must be a boolean';
  if (typeof x.checks !== 'object' || x.checks === null || Object.keys(x.checks).length !== CHECK_NAMES.length) return `checks must have exactly ${CHECK_NAMES.join(', ')}`;
  for (const c of CHECK_NAMES) if (!(x.checks[c] in RESULT_CODE)) return `checks.${c} must be pass, fail or skip`;
  const anyFail = CHECK_NAMES.some((c) => x.checks![c] === 'fail');
  if (x.ok === anyFail) return 'ok must be true exactly when no check failed';
  if (x.reason !== null && (typeof x.reason !== 'string' || x.reason.length > MAX_REASON_LENGTH)) return `reason must be null or a string of at most ${MAX_REASON_LENGTH} characters`;
  if (!Number.isSafeInteger(x.at) || x.at! < 0) return 'at must be unix seconds';
  if (typeof x.signature !== 'string' || !/^0x[0-9a-f]{128}$/.test(x.signature)) return 'signature must be 64 bytes of lower-case hex';
  return null;
}

/**
 * domain ‖ 0x00 ‖ chainId u64 ‖ contract(20) ‖ period u64 ‖ tester u64 ‖ testerKey(32) ‖
 * tested u64 ‖ ok u8 ‖ one u8 per check (CHECK_NAMES order) ‖ at u64 ‖ len u32 ‖ reason utf8.
 * Fixed widths and one length prefix make it injective.
 */
export function testReportMessage(r: UnsignedTestReport): Uint8Array {
  const reason = enc.encode(r.reason ?? '');
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, r.reason === null ? 0xffffffff : reason.length);
  const parts = [
    enc.encode(TEST_REPORT_DOMAIN),
    new Uint8Array([0]),
    u64(BigInt(r.chainId)),
    hexToBytes(r.contract.slice(2).toLowerCase()),
    u64(BigInt(r.period)),
    u64(BigInt(r.tester)),
    hexToBytes(r.testerKey.slice(2).toLowerCase()),
    u64(BigInt(r.tested)),
    new Uint8Array([r.ok ? 1 : 0, ...CHECK_NAMES.map((c) => RESULT_CODE[r.checks[c]])]),
    u64(BigInt(r.at)),
    len,
    reason,
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function signTestReport(fields: UnsignedTestReport, ed25519SecretKey: Uint8Array): TestReport {
  const report = { version: 1 as const, ...fields, contract: fields.contract.toLowerCase() as Hex, testerKey: fields.testerKey.toLowerCase() as Hex, signature: '0x' as Hex };
  if (`0x${bytesToHex(ed25519PublicKey(ed25519SecretKey))}` !== report.testerKey) throw new TestReportError('the secret key does not belong to testerKey');
  report.signature = `0x${bytesToHex(ed25519Sign(testReportMessage(report), ed25519SecretKey))}`;
  const problem = reportShapeProblem(report);
  if (problem) throw new TestReportError(problem);
  return report;
}

/** Shape and signature (against the key the report names; the caller checks it is the tester's registered key). */
export function verifyTestReport(r: unknown): { ok: true; report: TestReport } | { ok: false; reason: string } {
  const problem = reportShapeProblem(r);
  if (problem) return { ok: false, reason: problem };
  const report = r as TestReport;
  try {
    if (ed25519Verify(hexToBytes(report.signature.slice(2)), testReportMessage(report), hexToBytes(report.testerKey.slice(2)))) return { ok: true, report };
  } catch {
    // a malformed point: falls through to the refusal
  }
  return { ok: false, reason: 'the signature does not verify against testerKey' };
}
