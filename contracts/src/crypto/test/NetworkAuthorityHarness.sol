// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "../BN254.sol";
import {NetworkAuthority} from "../NetworkAuthority.sol";

/**
 * @title TEST HARNESS ONLY: a NetworkAuthority with its internals exposed and no access control.
 * Never deployed with the system.
 */
contract NetworkAuthorityHarness is NetworkAuthority {
    event Verified(bytes32 purpose, bytes32 payloadHash);

    function addNodeKey(uint64 nodeId, BN254.G1Point memory pk) external {
        _addNodeKey(nodeId, pk);
    }

    /// @notice Adds keys for nodes firstNodeId, firstNodeId + 1, … without proofs (seeding only).
    function seedNodeKeys(uint64 firstNodeId, BN254.G1Point[] memory pks) external {
        for (uint256 i; i < pks.length; ++i) _addNodeKey(firstNodeId + uint64(i), pks[i]);
    }

    function removeNodeKey(uint64 nodeId) external returns (BN254.G1Point memory) {
        return _removeNodeKey(nodeId);
    }

    /// @notice Proof-of-possession check then key activation, as a registry does it.
    function registerWithProof(
        uint64 nodeId,
        BN254.G1Point memory pk,
        BN254.G2Point memory pkG2,
        BN254.G1Point memory popSig
    ) external {
        _verifyProofOfPossession(pk, pkG2, popSig, msg.sender);
        _addNodeKey(nodeId, pk);
    }

    function verifyProofOfPossession(
        BN254.G1Point memory pk,
        BN254.G2Point memory pkG2,
        BN254.G1Point memory popSig,
        address operator
    ) external view {
        _verifyProofOfPossession(pk, pkG2, popSig, operator);
    }

    function verifyNetworkSignature(bytes32 purpose, bytes32 payloadHash, NetworkSignature calldata sig) external view {
        _verifyNetworkSignature(purpose, payloadHash, sig);
    }

    /// @notice The same check as a transaction, for gas measurement.
    function verifyNetworkSignatureTx(bytes32 purpose, bytes32 payloadHash, NetworkSignature calldata sig) external {
        _verifyNetworkSignature(purpose, payloadHash, sig);
        emit Verified(purpose, payloadHash);
    }
}
