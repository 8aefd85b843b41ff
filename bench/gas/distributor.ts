/**
 * Gas of a MerkleDistributor claim, with a 10,000-leaf tree (proofs of 13–14 hashes, about the
 * size of the Service Node Bonus) paying an address that held no SESH before (the usual
 * case, and the dearer one: the recipient's balance slot goes from zero to non-zero).
 * distributorClaim: a claim whose bitmap word was already touched (255 of every 256 claims).
 * distributorClaimFirstInWord: the first claim of a 256-leaf bitmap word (1 in 256).
 */
import { erc20Abi, getAddress, keccak256, toHex, type Address, type Hex } from 'viem';
import { MerkleDistributor } from '../../sdk/src/generated/contracts.ts';
import { sesh } from '../../sdk/src/units.ts';
import { buildTree, claimsFrom } from '../../programs/lib/merkle.ts';
import { gasUsed, type GasSuite } from './types.ts';

const LEAVES = 10_000;

export const distributorGas: GasSuite = {
  name: 'distributor',
  async measure(sys) {
    const token = sys.deployments.contracts.SESH!;
    const pool = sys.deployments.contracts.RewardRatePool!;
    const admin = await sys.as(0);
    const relayer = await sys.as(1);
    const addresses: Address[] = Array.from({ length: LEAVES }, (_, i) => getAddress(keccak256(toHex(`recipient ${i}`)).slice(0, 42)));
    const allocations = addresses
      .map((address, i) => ({ address, amount: sesh(1000) + BigInt(i) }))
      .sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
    const claims = claimsFrom(allocations);
    const tree = buildTree(claims);
    const total = claims.reduce((sum, c) => sum + c.amount, 0n);
    const distributor = await admin.deploy('MerkleDistributor', [token, pool, tree.root, total, 30n * 86_400n]);
    await admin.send(token, erc20Abi, 'transfer', [distributor, total]);
    await admin.send(distributor, MerkleDistributor.abi, 'open');
    const claim = async (index: number) => {
      const c = claims[index]!;
      const proof = tree.getProof([c.index.toString(), c.account, c.amount.toString()]) as Hex[];
      const hash = await relayer.send(distributor, MerkleDistributor.abi, 'claim', [BigInt(c.index), c.account, c.amount, proof]);
      return gasUsed(relayer.publicClient, hash);
    };
    // Index 0 opens bitmap word 0; index 1 is then a claim in a touched word.
    const first = await claim(0);
    const steady = await claim(1);
    return [
      { operation: 'distributorClaim', gas: steady },
      { operation: 'distributorClaimFirstInWord', gas: first },
    ];
  },
};
