// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {BN254} from "./BN254.sol";
import {NetworkAuthority} from "./NetworkAuthority.sol";

/**
 * @title NetworkKeyRegistry: who signs for the network.
 * @notice The BLS keys of the active Session nodes, their aggregate key, and the checks of
 * proofs of possession and network signatures ({NetworkAuthority}). SessionStaking deploys it in
 * its constructor and is its only writer ({addNodeKey} when a node activates, {removeNodeKey}
 * when it exits or is deregistered): SessionStaking keeps the money (stakes, contributors,
 * exits), this contract keeps the signing set. The seam keeps both far under the EIP-170 size
 * limit and gives the signing set its own home (e.g. a node out of the signing set that keeps
 * its stake needs changes here only).
 *
 * Domain: every digest is bound to the SessionStaking address ({staking}), not to this
 * contract's, so every signer keeps signing for `contract: SessionStaking` (sdk `networkDigest`,
 * `proofOfPossessionDigest`, unchanged by the split). StakingRewards verifies its checkpoints
 * here directly; SessionStaking forwards its views (activeNodeCount, aggregateKey, nodeKey,
 * nodeIdOfKey, verifyNetworkSignature and the digests) for existing callers.
 */
contract NetworkKeyRegistry is NetworkAuthority {
    /// @notice The SessionStaking that deployed this registry: its only writer and the digest domain.
    address public immutable staking;

    error NotStaking(address caller);

    constructor() {
        staking = msg.sender;
    }

    modifier onlyStaking() {
        if (msg.sender != staking) revert NotStaking(msg.sender);
        _;
    }

    /// @notice Activates `pk` for `nodeId` (SessionStaking has checked its proof of possession).
    function addNodeKey(uint64 nodeId, BN254.G1Point calldata pk) external onlyStaking {
        _addNodeKey(nodeId, pk);
    }

    /// @notice Deactivates the key of `nodeId`.
    function removeNodeKey(uint64 nodeId) external onlyStaking {
        _removeNodeKey(nodeId);
    }

    /// @notice Reverts InvalidProofOfPossession unless `popSig` signs proofOfPossessionDigest(operator, pk)
    /// with the secret of both `pk` and `pkG2` (InvalidBlsKey for an invalid pk).
    function verifyProofOfPossession(
        BN254.G1Point calldata pk,
        BN254.G2Point calldata pkG2,
        BN254.G1Point calldata popSig,
        address operator
    ) external view {
        _verifyProofOfPossession(pk, pkG2, popSig, operator);
    }

    /// @notice Reverts unless at least 2/3 of the active nodes signed `payloadHash` for `purpose`
    /// (domain: this chain and the SessionStaking address).
    function verifyNetworkSignature(bytes32 purpose, bytes32 payloadHash, NetworkSignature calldata sig) external view {
        _verifyNetworkSignature(purpose, payloadHash, sig);
    }

    function _domain() internal view override returns (address) {
        return staking;
    }
}
