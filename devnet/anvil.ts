/**
 * Starts and stops a local anvil chain from the npm package's platform binary.
 *
 * The npm `anvil` bin is a Node wrapper that forwards to the binary; we spawn the binary
 * directly so that stopping it never leaves an orphan behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export type Anvil = {
  rpcUrl: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  stop: () => Promise<void>;
};

export type AnvilOptions = {
  /** 0 picks a free port. */
  port?: number;
  chainId?: number;
  accounts?: number;
  /** Balance of each dev account, in ETH. */
  balanceEth?: number;
  /** Seconds between blocks; automine (a block per transaction) when unset. */
  blockTime?: number;
  /** Extra anvil flags. */
  args?: string[];
};

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
};

export function anvilBinary(): string {
  const key = `${process.platform}-${process.arch}`;
  const pkg = PLATFORM_PACKAGES[key];
  if (!pkg) throw new Error(`anvil: no npm build for ${key}; supported: ${Object.keys(PLATFORM_PACKAGES).join(', ')}`);
  let dir: string;
  try {
    dir = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`anvil: ${pkg} is not installed; run npm ci`);
  }
  const binary = join(dir, 'bin', 'anvil');
  if (!existsSync(binary)) throw new Error(`anvil: ${binary} is missing; run npm ci`);
  return binary;
}

/**
 * A port that is free now, for a server we are about to start. Picked at random below
 * Linux's ephemeral range (32768–60999): the OS hands ports in that range to outgoing
 * connections (every RPC call makes some), so a port it just reported free there can be
 * taken by a client socket before our server binds it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canBind(port)) return port;
  }
  throw new Error('no free port found between 20000 and 32000 after 50 tries');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function rpcReady(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts anvil on 127.0.0.1 and resolves once it answers JSON-RPC. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const port = options.port || (await freePort());
  const chainId = options.chainId ?? 31337;
  const args = [
    '--host', '127.0.0.1',
    '--port', String(port),
    '--chain-id', String(chainId),
    '--accounts', String(options.accounts ?? 10),
    '--balance', String(options.balanceEth ?? 10_000),
    '--hardfork', 'prague',
    '--code-size-limit', '24576',
    ...(options.blockTime ? ['--block-time', String(options.blockTime)] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (!(await rpcReady(rpcUrl))) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer on ${rpcUrl} within 15 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
    });
  return { rpcUrl, port, chainId, process: child, stop };
}
