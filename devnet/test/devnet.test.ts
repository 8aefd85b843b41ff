import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodeFunctionData, decodeFunctionResult, erc20Abi, type Hex } from 'viem';
import { freePort } from '../anvil.ts';

/** Runs the README's devnet command as a real process, talks to it over plain JSON-RPC, then Ctrl-Cs it. */
describe('npm run devnet', () => {
  it('deploys SESH (9 decimals, 240M supply), runs 5 nodes and the gateway, writes deployments/local.json and stops cleanly', { timeout: 150_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'devnet/start.ts', '--port', String(port), '--gateway-port', '0', '--checkpoint-interval', '3s'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    while (!output.includes('The devnet is running')) {
      if (child.exitCode !== null) assert.fail(`devnet exited early:\n${output}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        assert.fail(`devnet did not come up:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const deployments = JSON.parse(readFileSync('deployments/local.json', 'utf8'));
    assert.equal(deployments.rpcUrl, `http://127.0.0.1:${port}`);
    assert.match(output, /Demo accounts/);

    const call = async (functionName: 'decimals' | 'totalSupply') => {
      const response = await fetch(deployments.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'eth_call',
          params: [{ to: deployments.contracts.SESH, data: encodeFunctionData({ abi: erc20Abi, functionName }) }, 'latest'],
        }),
      });
      const { result } = (await response.json()) as { result: Hex };
      return decodeFunctionResult({ abi: erc20Abi, functionName, data: result });
    };
    assert.equal(await call('decimals'), 9);
    assert.equal(await call('totalSupply'), 240_000_000n * 10n ** 9n);

    // 5 session-node processes and the gateway, each its own process; the gateway's URL is in
    // the deployments file and it serves the portal's API with 5 active nodes.
    const pids = [...output.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 6, output);
    assert.match(deployments.gatewayUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const network = (await (await fetch(`${deployments.gatewayUrl}/api/network`)).json()) as { activeNodes: number };
    assert.equal(network.activeNodes, 5);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    assert.ok(pids.every(alive));

    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.deepEqual(pids.filter(alive), [], 'no node or gateway process outlives the devnet');
    // The chain is gone with it: nothing answers on the port any more.
    await assert.rejects(fetch(deployments.rpcUrl, { method: 'POST', body: '{}' }));
  });
});
