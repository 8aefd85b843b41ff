import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Hex } from 'viem';
import { announcementUrl, hostProblem, parseAnnouncement, signAnnouncement, verifyAnnouncementSignature, type AnnouncementFields } from '../src/network/announcement.ts';
import { membershipRules, NETWORK_RULES, DEVNET_RULES, votesToFailFor, MembershipRulesError } from '../src/network/rules.ts';
import { validateDeployments, DeploymentsError } from '../src/deployments.ts';

const secret = (byte: number) => new Uint8Array(32).fill(byte);
const pub = (s: Uint8Array) => `0x${bytesToHex(ed25519.getPublicKey(s))}` as Hex;
const fields = (s: Uint8Array, over: Partial<AnnouncementFields> = {}): AnnouncementFields => ({
  chainId: 31337,
  contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  ed25519PublicKey: pub(s),
  host: '203.0.113.7',
  httpPort: 22020,
  software: 'session-node/test',
  timestamp: 1_700_000_000,
  ...over,
});

describe('announcements', () => {
  it('signs and verifies; the parsed copy verifies too', () => {
    const a = signAnnouncement(fields(secret(1)), secret(1));
    assert.equal(verifyAnnouncementSignature(a), true);
    const parsed = parseAnnouncement(JSON.parse(JSON.stringify(a)));
    assert.ok(parsed.ok);
    assert.equal(verifyAnnouncementSignature(parsed.announcement), true);
  });

  it('a changed field, another key or another network breaks the signature', () => {
    const a = signAnnouncement(fields(secret(1)), secret(1));
    for (const change of [{ host: '203.0.113.8' }, { httpPort: 22021 }, { software: 'x' }, { timestamp: a.timestamp + 1 }, { chainId: 1 }, { contract: '0x0000000000000000000000000000000000000001' as const }]) {
      assert.equal(verifyAnnouncementSignature({ ...a, ...change }), false, JSON.stringify(change));
    }
    // Another node's key claimed with our signature, and our fields signed by another key.
    assert.equal(verifyAnnouncementSignature({ ...a, ed25519PublicKey: pub(secret(2)) }), false);
    const forged = { ...signAnnouncement(fields(secret(2)), secret(2)), ed25519PublicKey: a.ed25519PublicKey };
    assert.equal(verifyAnnouncementSignature(forged), false);
    assert.equal(verifyAnnouncementSignature({ ...a, signature: `0x${'00'.repeat(64)}` }), false);
    assert.equal(verifyAnnouncementSignature({ ...a, signature: '0x12' }), false);
  });

  it('refuses to sign for a key that is not the secret’s', () => {
    assert.throws(() => signAnnouncement(fields(secret(1), { ed25519PublicKey: pub(secret(2)) }), secret(1)), /not ed25519PublicKey/);
  });

  it('validates hosts: names, IPv4, IPv6; no scheme, port, path, brackets', () => {
    for (const ok of ['node1.example.org', 'localhost', '127.0.0.1', '::1', '2001:db8::7', 'a-b.c', 'x.example.org.']) assert.equal(hostProblem(ok), null, ok);
    for (const bad of ['', 'http://x.org', 'x.org:80', 'x.org/p', '[::1]', '1.2.3.999', '-a.org', 'a_b.org', 'a..b', 'ä.org', 'x'.repeat(254), '2001:db8::zz', '1.2.3.4 ']) {
      assert.notEqual(hostProblem(bad), null, bad);
    }
  });

  it('parses only well-formed announcements and says what is wrong', () => {
    const a = signAnnouncement(fields(secret(1)), secret(1));
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...a, httpPort: 0 }, /httpPort/],
      [{ ...a, httpPort: 65_536 }, /httpPort/],
      [{ ...a, software: 'x'.repeat(65) }, /software/],
      [{ ...a, software: 'tab\there' }, /software/],
      [{ ...a, version: 2 }, /version/],
      [{ ...a, extra: 1 }, /unknown field extra/],
      [{ ...a, timestamp: 1.5 }, /timestamp/],
      [{ ...a, ed25519PublicKey: '0x12' }, /ed25519PublicKey/],
      [{ ...a, host: 'http://evil' }, /host/],
    ];
    for (const [value, reason] of cases) {
      const r = parseAnnouncement(value);
      assert.equal(r.ok, false);
      assert.match((r as { reason: string }).reason, reason);
    }
    assert.equal(parseAnnouncement(null).ok, false);
    assert.equal(parseAnnouncement([a]).ok, false);
  });

  it('builds the URL, IPv6 in brackets', () => {
    assert.equal(announcementUrl({ host: '203.0.113.7', httpPort: 1 }), 'http://203.0.113.7:1');
    assert.equal(announcementUrl({ host: '2001:db8::7', httpPort: 22020 }), 'http://[2001:db8::7]:22020');
  });
});

describe('membership rules and the deployments file', () => {
  it('real defaults, devnet overrides, validated', () => {
    assert.equal(membershipRules({}).announceIntervalSec, 1800);
    assert.deepEqual(membershipRules({ membership: DEVNET_RULES }), DEVNET_RULES);
    assert.equal(membershipRules({ membership: { antiEntropySec: 7 } }).antiEntropySec, 7);
    assert.throws(() => membershipRules({ membership: { bogus: 1 } as never }), /unknown rule/);
    assert.throws(() => membershipRules({ membership: { gossipFanout: 0 } }), /positive integer/);
    assert.throws(() => membershipRules({ membership: { announcementMaxAgeSec: 100, announceIntervalSec: 200 } }), MembershipRulesError);
    assert.equal(NETWORK_RULES.votesToFail, 7);
  });

  it('scales votes to fail for small networks: ceil(0.7 × min(10, n − 1))', () => {
    assert.deepEqual([2, 3, 4, 5, 11, 100].map((n) => votesToFailFor(NETWORK_RULES, n)), [1, 2, 3, 3, 7, 7]);
  });

  it('validates seedNodes and membership in a deployments file', () => {
    const base = { chainId: 1, rpcUrl: 'http://127.0.0.1:8545', deployBlock: 0, contracts: {} };
    assert.deepEqual(validateDeployments({ ...base, seedNodes: ['http://127.0.0.1:1/'] }).seedNodes, ['http://127.0.0.1:1']);
    assert.throws(() => validateDeployments({ ...base, seedNodes: 'http://x' }), (e: Error) => e instanceof DeploymentsError && /seedNodes must be an array/.test(e.message));
    assert.throws(() => validateDeployments({ ...base, seedNodes: ['ftp://x'] }), /http or https/);
    assert.throws(() => validateDeployments({ ...base, seedNodes: ['not a url'] }), /not a URL/);
    assert.throws(() => validateDeployments({ ...base, membership: { testPeriodSec: -1 } }), (e: Error) => e instanceof DeploymentsError && /membership.testPeriodSec/.test(e.message));
  });
});
