/**
 * The session node's name and Session Pro API, end to end: a real session-node process on a
 * real anvil with the whole system deployed. Names are registered and Pro is bought through
 * the CLI (real transactions); they are then read through the node's HTTP API, both raw and
 * through `sesh … --node URL`, and the node-signed Pro proof is verified offline by the sdk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { erc20Abi, type Hex } from 'viem';
import { main } from '../../cli/sesh.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { ProProofError, verifyProProof, type ProProof } from '../../sdk/src/pro/proof.ts';
import { sesh } from '../../sdk/src/units.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { superviseScript, type Supervised } from '../../devnet/processes.ts';
import { loadOrCreateEd25519Key } from '../../core/keys/ed25519.ts';

const ALICE = `05${'a1'.repeat(32)}`;
const NOBODY = `05${'b2'.repeat(32)}`;
const TTL = 600;

describe('session node API: names and Session Pro', () => {
  let sys: LocalSystem;
  let dir: string;
  let node: Supervised;
  let url: string;
  let nodeKey: Hex;
  let chain: string[];
  let signer: string[];

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const get = async (path: string, method = 'GET') => {
    const r = await fetch(`${url}${path}`, { method });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const domain = () => ({ chainId: sys.deployments.chainId, pro: sys.deployments.contracts.SessionPro! });

  before(async () => {
    sys = await startLocalSystem();
    dir = mkdtempSync(join(tmpdir(), 'sesh-node-api-'));
    const deploymentsFile = join(dir, 'deployments.json');
    writeDeployments(deploymentsFile, sys.deployments);
    writeFileSync(join(dir, 'user.key'), sys.accounts[1]!.privateKey);
    chain = ['--deployments', deploymentsFile];
    signer = [...chain, '--key-file', join(dir, 'user.key')];
    await (await sys.as(0)).send(sys.deployments.contracts.SESH!, erc20Abi, 'transfer', [sys.accounts[1]!.address, sesh(10_000)]);
    // The node's identity key, read from its key file: the client pins it independently of the node.
    const dataDir = join(dir, 'node');
    nodeKey = loadOrCreateEd25519Key(join(dataDir, 'keys')).identity.nodeId;
    node = superviseScript('node', 'node/src/main.ts', ['--deployments', deploymentsFile, '--data-dir', dataDir, '--http-port', '0', '--pro-proof-ttl', `${TTL}s`]);
    url = await node.ready;
  });
  after(async () => {
    await node?.stop();
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves a registered name both ways through the node API and `sesh names … --node`', async () => {
    const registering = cli('names', 'register', 'NodeApi', '--account-id', ALICE, ...signer, '--state-dir', join(dir, 'state'));
    // Pass the 60 s commit minimum once the commit has landed; on a loaded machine it may land
    // after the first time step, so step again until the register finishes.
    let finished = false;
    registering.then(() => (finished = true), () => (finished = true));
    for (let waited = 0; !finished && waited < 120; waited++) {
      await new Promise((r) => setTimeout(r, 1500));
      if (!finished) await sys.increaseTime(61);
    }
    const registered = await registering;
    assert.equal(registered.code, 0, registered.err);
    assert.equal((await cli('names', 'set-record', 'nodeapi', '--primary', ...signer)).code, 0);

    const forward = await get('/names/NodeApi');
    assert.equal(forward.status, 200);
    assert.equal(forward.body.name, 'nodeapi');
    assert.equal(forward.body.accountId, ALICE);
    assert.ok((forward.body.expiry as number) > Number(await sys.now()));
    const reverse = await get(`/names/reverse/${ALICE.toUpperCase()}`);
    assert.deepEqual(reverse, { status: 200, body: { accountId: ALICE, name: 'nodeapi', verified: false } });

    assert.deepEqual(await cli('names', 'resolve', 'nodeapi', '--node', url), { code: 0, out: ALICE, err: '' });
    assert.deepEqual(await cli('names', 'reverse', ALICE, '--node', url), { code: 0, out: 'nodeapi', err: '' });
    // The same answers straight from the chain (direct mode is kept).
    assert.equal((await cli('names', 'resolve', 'nodeapi', ...chain)).out, ALICE);

    const unknown = await get('/names/never-registered');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'name_not_found');
    assert.equal((await get(`/names/reverse/${NOBODY}`)).body.error, 'no_primary_name');
    const cliUnknown = await cli('names', 'resolve', 'never-registered', '--node', url);
    assert.equal(cliUnknown.code, 1);
    assert.match(cliUnknown.err, /does not resolve/);
  });

  it('issues a proof for an active subscription that the sdk verifies offline; refuses an absent one', async () => {
    assert.deepEqual((await get(`/pro/${ALICE}`)).body, { accountId: ALICE, expiry: 0, active: false });
    const none = await get(`/pro/${ALICE}/proof`);
    assert.equal(none.status, 404);
    assert.equal(none.body.error, 'no_active_pro');

    const bought = await cli('pro', 'buy', ALICE, ...signer);
    assert.equal(bought.code, 0, bought.err);
    const status = await get(`/pro/${ALICE}`);
    assert.equal(status.body.active, true);
    const expiry = status.body.expiry as number;
    assert.match((await cli('pro', 'status', ALICE, '--node', url)).out, /^active until /);

    const response = await get(`/pro/${ALICE}/proof`);
    assert.equal(response.status, 200);
    const proof = response.body as unknown as ProProof;
    assert.equal(proof.nodePublicKey, nodeKey);
    const chainNow = Number(await sys.now());
    assert.ok(Math.abs(proof.issuedAt - chainNow) <= 5, 'issued at the chain time');
    assert.equal(proof.expiresAt, Math.min(expiry, proof.issuedAt + TTL), 'short-lived: the node TTL, never past the subscription');
    // Offline: no chain, only the pinned node key and the network's domain.
    const ok = verifyProProof(proof, { trustedNodes: [nodeKey], domain: domain(), now: proof.issuedAt + 1 });
    assert.deepEqual(ok, { accountId: ALICE, expiresAt: proof.expiresAt });
    const reason = (p: ProProof, now = proof.issuedAt + 1, trusted = [nodeKey]) => {
      try {
        verifyProProof(p, { trustedNodes: trusted, domain: domain(), now });
        return 'ok';
      } catch (error) {
        return (error as ProProofError).reason;
      }
    };
    assert.equal(reason({ ...proof, expiresAt: proof.expiresAt + 86_400 }), 'bad-signature', 'a stretched proof fails');
    assert.equal(reason({ ...proof, accountId: NOBODY }), 'bad-signature', 'a proof moved to another account fails');
    assert.equal(reason(proof, proof.expiresAt), 'expired');
    assert.equal(reason(proof, proof.issuedAt + 1, [`0x${'11'.repeat(32)}`]), 'untrusted-node');

    const viaCli = await cli('pro', 'proof', ALICE, '--node', url, '--trusted-node', nodeKey, ...chain, '--out', join(dir, 'proof.json'));
    assert.equal(viaCli.code, 0, viaCli.err);
    assert.match(viaCli.out, new RegExp(`^verified: ${ALICE} has Pro; proof signed by ${nodeKey}`));
    const wrongPin = await cli('pro', 'proof', ALICE, '--node', url, '--trusted-node', `0x${'22'.repeat(32)}`, ...chain);
    assert.equal(wrongPin.code, 1);
    assert.match(wrongPin.err, /not a trusted node/);
    const absent = await cli('pro', 'proof', NOBODY, '--node', url, ...chain);
    assert.equal(absent.code, 1);
    assert.match(absent.err, /no active Pro subscription/);
  });

  it('refuses malformed input with a 4xx JSON reason, before any chain read', async () => {
    const cases: Array<[string, number, string, string?]> = [
      ['/names/bad%20name', 400, 'invalid_name'],
      ['/names/-dash', 400, 'invalid_name'],
      [`/names/${'x'.repeat(65)}`, 400, 'invalid_param'],
      ['/names/%E0%A4%A', 404, 'not_found'],
      ['/names/reverse/05abc', 400, 'invalid_param'],
      [`/names/reverse/06${'a1'.repeat(32)}`, 400, 'invalid_account_id'],
      [`/pro/${'zz'.repeat(33)}`, 400, 'invalid_param'],
      [`/pro/05${'0'.repeat(64)}/proof`, 400, 'invalid_account_id'],
      ['/pro/05/proof', 400, 'invalid_param'],
      [`/pro/${ALICE}/proof`, 405, 'method_not_allowed', 'POST'],
    ];
    for (const [path, status, error, method] of cases) {
      const r = await get(path, method);
      assert.equal(r.status, status, `${method ?? 'GET'} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, error, path);
      assert.equal(typeof r.body.reason, 'string');
    }
    const cliBad = await cli('pro', 'status', ALICE, '--node', 'not a url');
    assert.match(cliBad.err, /--node must be a URL/);
  });

  it('refuses a proof once the subscription has expired (chain time)', async () => {
    const { expiry } = (await get(`/pro/${ALICE}`)).body as { expiry: number };
    await sys.increaseTime(expiry - Number(await sys.now()) + 1);
    assert.equal((await get(`/pro/${ALICE}`)).body.active, false);
    const refused = await get(`/pro/${ALICE}/proof`);
    assert.equal(refused.status, 404);
    assert.equal(refused.body.error, 'no_active_pro');
    assert.match(refused.body.reason as string, /expired at/);
    assert.match((await cli('pro', 'status', ALICE, '--node', url)).out, /^expired at /);
  });
});
