/**
 * Gas of the name service and Session Pro: register, renew, transfer a name; set a primary
 * name (asserted and verified); buy Pro; claim an Oxen name.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, erc20Abi, hexToBytes, keccak256, toHex, type Abi, type Hex } from 'viem';
import { OxenNameMigration, SessionNameRegistry } from '../../sdk/src/generated/contracts.ts';
import { buyProCall } from '../../sdk/src/pro/calls.ts';
import {
  accountIdFromEd25519,
  commitCall,
  nameHash,
  nameId,
  oxenClaimMessage,
  parseAccountId,
  registerCall,
  renewCall,
  setPrimaryNameCall,
  setVerifiedPrimaryNameCall,
  signOxenClaim,
} from '../../sdk/src/names/index.ts';
import { sesh } from '../../sdk/src/units.ts';
import { gasUsed, type GasSuite } from './types.ts';

const ACCOUNT = `05${'5e'.repeat(32)}`;
/** maxPrice = the exact price, as the CLI sends it: a year of a 5+ character name, and Pro tier 1. */
const NAME_PRICE = sesh(10);
const PRO_PRICE = sesh(5);

export const namesGas: GasSuite = {
  name: 'names',
  async measure(sys) {
    const { SESH: token, SessionNameRegistrar: registrar, SessionNameRegistry: registry, SessionPro: pro, OxenNameMigration: migration } = sys.deployments.contracts as Record<string, Hex>;
    const admin = await sys.as(0);
    const user = await sys.as(1);
    const gasOf = (hash: Hex) => gasUsed(admin.publicClient, hash);
    const exec = (c: { address: Hex; abi: Abi; functionName: string; args: readonly unknown[] }) => user.send(c.address, c.abi, c.functionName, c.args);
    await admin.send(token, erc20Abi, 'transfer', [user.account.address, sesh(100_000)]);
    await user.send(token, erc20Abi, 'approve', [registrar, 2n ** 255n]);
    await user.send(token, erc20Abi, 'approve', [pro, 2n ** 255n]);

    // Register the steady-state way: a 12-character name, after an earlier registration so
    // the pool and liquidity balances are already non-zero.
    const registerOnce = async (name: string) => {
      // Fixed secrets and keys keep the calldata, and so the gas, identical run to run.
      const request = { name, owner: user.account.address, accountId: ACCOUNT, secret: keccak256(toHex(name)) };
      await exec(commitCall(sys.deployments, request).call);
      await sys.increaseTime(60);
      return gasOf(await exec(registerCall(sys.deployments, request, NAME_PRICE)));
    };
    await registerOnce('warmupname01');
    const registerName = await registerOnce('session-name');
    const renewName = await gasOf(await exec(renewCall(sys.deployments, 'session-name', 1, NAME_PRICE)));
    const setPrimaryName = await gasOf(await exec(setPrimaryNameCall(sys.deployments, 'session-name')));
    // A verified primary name for the account of a fixed Session key (on-chain ed25519 check).
    const sessionKey = hexToBytes(keccak256(toHex('sesh gas bench session key')));
    const sessionAccount = accountIdFromEd25519(ed25519.getPublicKey(sessionKey));
    await user.send(registry, SessionNameRegistry.abi, 'setAccountId', [nameId('warmupname01'), parseAccountId(sessionAccount)]);
    const setVerifiedPrimaryName = await gasOf(
      await exec(await setVerifiedPrimaryNameCall(user.publicClient, sys.deployments, 'warmupname01', sessionAccount, sessionKey)),
    );
    const transferName = await gasOf(
      await user.send(registry, SessionNameRegistry.abi, 'transferFrom', [user.account.address, sys.accounts[2]!.address, nameId('session-name')]),
    );
    await exec(buyProCall(sys.deployments, `05${'11'.repeat(32)}`, 1n, PRO_PRICE));
    const buyPro = await gasOf(await exec(buyProCall(sys.deployments, ACCOUNT, 1n, PRO_PRICE)));

    // Oxen claim with the on-chain ed25519 check.
    const secret = hexToBytes(keccak256(toHex('sesh gas bench oxen key')));
    const expiry = (await sys.now()) + 365n * 24n * 3600n;
    await admin.send(migration, OxenNameMigration.abi, 'importNames', [[{ nameHash: nameHash('oxen-name'), accountId: parseAccountId(ACCOUNT), expiry, ownerKey: bytesToHex(ed25519.getPublicKey(secret)) }]]);
    const { r, s } = signOxenClaim(secret, oxenClaimMessage(sys.anvil.chainId, migration, 'oxen-name', user.account.address));
    const claimOxenName = await gasOf(await user.send(migration, OxenNameMigration.abi, 'claim', ['oxen-name', user.account.address, r, s]));

    return [
      { operation: 'registerName', gas: registerName },
      { operation: 'renewName', gas: renewName },
      { operation: 'transferName', gas: transferName },
      { operation: 'setPrimaryName', gas: setPrimaryName },
      { operation: 'setVerifiedPrimaryName', gas: setVerifiedPrimaryName },
      { operation: 'buyPro', gas: buyPro },
      { operation: 'claimOxenName', gas: claimOxenName },
    ];
  },
};
