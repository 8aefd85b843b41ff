/**
 * `npm run devnet -- add-node`: one more Session node on a RUNNING devnet, the way an operator
 * adds one: keys and registration payload through the prepare-registration path, approve +
 * SessionStaking.registerSoloNode from a demo account (the sdk calls the portal sends), then
 * the installed `session-node` command with the flags a user types. Nothing of the devnet is
 * edited: the node finds the network (and the network finds it) from the deployments file.
 * It runs in the foreground; Ctrl-C stops it (the devnet keeps running).
 */
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { erc20Abi, parseEventLogs, type Address, type Hex } from 'viem';
import { SessionStaking } from '../sdk/src/generated/contracts.ts';
import { contractAddress, readDeployments, type Deployments } from '../sdk/src/deployments.ts';
import { nodeKeysArgs, parseRegistrationPayload, prepareRegistration } from '../sdk/src/staking/registration.ts';
import { approveStakeCall, registerSoloNodeCall } from '../sdk/src/staking/calls.ts';
import { connectDeployer } from '../contracts/deploy/deploy.ts';
import { loadOrCreateBlsKey } from '../core/keys/bls.ts';
import { loadOrCreateEd25519Key } from '../core/keys/ed25519.ts';
import { demoAccount } from './accounts.ts';
import { freePort } from './anvil.ts';
import { superviseScript, type Supervised } from './processes.ts';

export const ADD_NODE_USAGE = `Usage: npm run devnet -- add-node [--deployments FILE] [--from-account N] [--dir DIR]

Adds a Session node to a running devnet: creates its keys, registers it as a solo node
staked by demo account N (approve + registerSoloNode), and starts session-node for it.
Prints the node id, its URL, its log file and the command used. Ctrl-C stops the node.

  --deployments FILE   the devnet's deployments file (default deployments/local.json)
  --from-account N     demo account that registers and stakes it, 1..99 (default 4)
  --dir DIR            where its data dir goes (default .devnet)
`;

/** A registered node's identity and where its keys are. */
export type RegisteredNode = { nodeId: bigint; ed25519: Hex; operator: Address; dataDir: string };

/**
 * Creates keys in `<dataDir>/keys` (or reuses them), and registers a solo node staked by
 * `privateKey`'s account: exactly what an operator does with prepare-registration + the portal.
 */
export async function registerSoloNode(args: { deployments: Deployments; privateKey: Hex; dataDir: string }): Promise<RegisteredNode> {
  const { deployments } = args;
  const staking = contractAddress(deployments, 'SessionStaking');
  const sender = await connectDeployer(deployments.rpcUrl, args.privateKey, deployments.chainId);
  const keyDir = join(args.dataDir, 'keys');
  const { keyPair } = loadOrCreateBlsKey(keyDir);
  const { identity } = loadOrCreateEd25519Key(keyDir);
  const operator = sender.account.address;
  // Through the JSON an operator pastes: the same checks the portal applies.
  const payload = JSON.stringify(prepareRegistration({ keyPair, operator, ed25519SecretKey: identity.secretKey, ed25519PublicKey: identity.nodeId, chainId: deployments.chainId, contract: staking }));
  const keys = nodeKeysArgs(parseRegistrationPayload(payload, { chainId: deployments.chainId, contract: staking }));
  const requirement = (await sender.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;
  const balance = await sender.publicClient.readContract({ address: contractAddress(deployments, 'SESH'), abi: erc20Abi, functionName: 'balanceOf', args: [operator] });
  if (balance < requirement) throw new Error(`account ${operator} holds ${balance} atomic SESH, less than the ${requirement} a solo node stakes; pick another --from-account`);
  const approve = approveStakeCall(contractAddress(deployments, 'SESH'), staking, requirement);
  await sender.send(approve.address, approve.abi, approve.functionName, approve.args);
  const register = registerSoloNodeCall(staking, { keys, amount: requirement });
  const hash = await sender.send(register.address, register.abi, register.functionName, register.args as unknown as readonly unknown[]);
  const receipt = await sender.publicClient.getTransactionReceipt({ hash });
  const opened = parseEventLogs({ abi: SessionStaking.abi, logs: receipt.logs, eventName: 'NodeOpened' });
  const nodeId = (opened[0]?.args as { nodeId?: bigint } | undefined)?.nodeId;
  if (nodeId === undefined) throw new Error(`registerSoloNode (${hash}) emitted no NodeOpened event`);
  return { nodeId, ed25519: identity.nodeId, operator, dataDir: args.dataDir };
}

/** The session-node command line an operator would type for this node. */
export function nodeCommand(a: { deploymentsFile: string; dataDir: string; port: number; publicHost?: string }): string[] {
  return ['--deployments', a.deploymentsFile, '--data-dir', a.dataDir, '--http-port', String(a.port), ...(a.publicHost ? ['--public-host', a.publicHost] : [])];
}

export type AddedNode = RegisteredNode & { url: string; logFile: string; command: string; process: Supervised };

export async function addNode(args: { deploymentsFile: string; fromAccount: number; dir: string; log?: (line: string) => void }): Promise<AddedNode> {
  const log = args.log ?? ((line: string) => console.log(line));
  const deploymentsFile = resolve(args.deploymentsFile);
  const deployments = readDeployments(deploymentsFile);
  const account = demoAccount(args.fromAccount);
  const dataDir = resolve(args.dir, `added-${args.fromAccount}-${Date.now().toString(36)}`);
  mkdirSync(dataDir, { recursive: true });
  const registered = await registerSoloNode({ deployments, privateKey: account.privateKey, dataDir });
  log(`registered node ${registered.nodeId} (ed25519 ${registered.ed25519}) staked by demo #${args.fromAccount} ${account.address}`);
  const port = await freePort();
  const flags = nodeCommand({ deploymentsFile, dataDir, port, publicHost: '127.0.0.1' });
  const logFile = join(dataDir, 'node.log');
  const child = superviseScript(`node ${registered.nodeId}`, resolve('bin/session-node.mjs'), flags, { logFile });
  const url = await child.ready;
  const shown = (p: string) => (p.startsWith(process.cwd()) ? relative(process.cwd(), p) : p);
  const command = ['session-node', ...flags.map((f) => (f === deploymentsFile || f === dataDir ? shown(f) : f))].join(' ');
  return { ...registered, url, logFile, command, process: child };
}

export function parseAddNodeArgs(argv: readonly string[]): { help: true } | { deploymentsFile: string; fromAccount: number; dir: string } {
  const out = { deploymentsFile: 'deployments/local.json', fromAccount: 4, dir: '.devnet' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.includes('=') ? argv[i]!.split(/=(.*)/s, 2) : [argv[i]!, undefined];
    if (flag === '--help' || flag === '-h') return { help: true };
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--deployments') out.deploymentsFile = value;
    else if (flag === '--dir') out.dir = value;
    else if (flag === '--from-account') {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 99) throw new Error(`--from-account: expected a demo account number in 1..99, got "${value}" (#0 is the deployer)`);
      out.fromAccount = Number(value);
    } else throw new Error(`unknown option ${flag}`);
  }
  return out;
}

/** The add-node command: register, start, print, then wait for Ctrl-C. */
export async function addNodeMain(argv: readonly string[]): Promise<void> {
  const parsed = parseAddNodeArgs(argv);
  if ('help' in parsed) return void console.log(ADD_NODE_USAGE);
  const node = await addNode(parsed);
  console.log(`  node id   ${node.nodeId}`);
  console.log(`  url       ${node.url}`);
  console.log(`  log       ${node.logFile}`);
  console.log(`  command   ${node.command}`);
  console.log(`  status    session-node status --url ${node.url}`);
  console.log('\nThe node is running. Press Ctrl-C to stop it (the devnet keeps running).');
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await node.process.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  node.process.child.once('exit', (code) => {
    if (stopping) return; // our own Ctrl-C
    console.error(`session-node exited (${code}); see ${node.logFile}`);
    process.exit(1);
  });
}
