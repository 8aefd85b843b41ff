/** Arbitrum's compiled token-bridge contracts, deployed as published (no recompilation). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Abi, Hex } from 'viem';

const require = createRequire(import.meta.url);
const buildDir = join(dirname(require.resolve('@arbitrum/token-bridge-contracts/package.json')), 'build', 'contracts', 'contracts', 'tokenbridge');

function load(path: string): { abi: Abi; bytecode: Hex } {
  const name = path.split('/').pop()!;
  const json = JSON.parse(readFileSync(join(buildDir, `${path}.sol`, `${name}.json`), 'utf8')) as { abi: Abi; bytecode: Hex };
  return { abi: json.abi, bytecode: json.bytecode };
}

export const arbitrum = {
  L1CustomGateway: load('ethereum/gateway/L1CustomGateway'),
  L1GatewayRouter: load('ethereum/gateway/L1GatewayRouter'),
  L2CustomGateway: load('arbitrum/gateway/L2CustomGateway'),
  L2GatewayRouter: load('arbitrum/gateway/L2GatewayRouter'),
  InboxMock: load('test/InboxMock'),
  ArbSysMock: load('test/ArbSysMock'),
};
