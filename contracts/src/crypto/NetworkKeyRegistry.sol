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
 *
 * Commission: the network itself (a network signature, submitted by anyone) moves nodes out of
 * the signing set ({updateCommission}: decommission, e.g. a node failing its tests) and back in
 * (recommission). A decommissioned node keeps its stake and its stored key; it can exit or be
 * deregistered like any node. Updates are numbered ({commissionRound}) so each signature is
 * single-use and the network agrees on the order. payloadHash =
 * keccak256(abi.encode(uint64 round, uint64[] decommission, uint64[] recommission, uint64 signedAt))
 * under COMMISSION_PURPOSE (sdk: staking/payloads.ts commissionMessage).
 */
contract NetworkKeyRegistry is NetworkAuthority {
    /// @notice The SessionStaking that deployed this registry: its only writer and the digest domain.
    address public immutable staking;

    /// @notice Signature purpose of a commission update.
    bytes32 public constant COMMISSION_PURPOSE = keccak256("SESH.network.commission.v1");
    /// @dev As SessionStaking's: a signature is accepted from signedAt − 3 min to signedAt + 10 min.
    uint256 internal constant SIGNATURE_TTL = 10 minutes;
    uint256 internal constant MAX_CLOCK_SKEW = 3 minutes;

    error NotStaking(address caller);
    error SignatureExpired(uint64 signedAt, uint64 expiredAt);
    error SignatureFromFuture(uint64 signedAt, uint64 blockTime);
    error CommissionRoundMismatch(uint64 given, uint64 expected);
    error EmptyCommissionUpdate();
    error TooManyDecommissions(uint256 count, uint256 max);

    /// @notice The node left the signing set by the update numbered `round`.
    event NodeDecommissioned(uint64 indexed nodeId, uint64 round);
    /// @notice The node rejoined the signing set by the update numbered `round`.
    event NodeRecommissioned(uint64 indexed nodeId, uint64 round);

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

    /// @notice Applies commission update number `round` (= commissionRound), signed by 2/3 of the
    /// commissioned set as it is BEFORE the update. Anyone may submit it.
    /// @param decommission commissioned node ids leaving the signing set, strictly increasing
    /// @param recommission decommissioned node ids rejoining it, strictly increasing, none in both lists
    /// @param signedAt when the network signed; accepted from signedAt − 3 min to signedAt + 10 min
    /// @dev At most ⌊commissioned / 3⌋ decommissions per update (at least 1, but never the last
    /// commissioned node). Why: a mass outage (a data centre, a routing failure, a bug in the
    /// tests) makes many healthy nodes look down at once; without a cap, one update could empty
    /// the signing set, and with it the only authority able to undo the update. With the cap every
    /// update leaves ≥ 2/3 of the set, each further one needs a new round and a fresh 2/3 of the
    /// remaining set, so the set shrinks slowly enough for the outage to end and for recommissions
    /// to catch up.
    function updateCommission(
        uint64 round,
        uint64[] calldata decommission,
        uint64[] calldata recommission,
        uint64 signedAt,
        NetworkSignature calldata sig
    ) external {
        uint64 expected = commissionRound;
        if (round != expected) revert CommissionRoundMismatch(round, expected);
        if (signedAt > block.timestamp + MAX_CLOCK_SKEW) revert SignatureFromFuture(signedAt, uint64(block.timestamp));
        uint64 expiredAt = signedAt + uint64(SIGNATURE_TTL);
        if (block.timestamp > expiredAt) revert SignatureExpired(signedAt, expiredAt);
        uint256 count = decommission.length;
        if (count + recommission.length == 0) revert EmptyCommissionUpdate();
        uint256 commissioned = _commissionedCount();
        uint256 max = commissioned / 3;
        if (max == 0 && commissioned > 1) max = 1;
        if (count > max) revert TooManyDecommissions(count, max);
        _verifyNetworkSignature(
            COMMISSION_PURPOSE, keccak256(abi.encode(round, decommission, recommission, signedAt)), sig
        );
        _applyCommission(decommission, recommission);
        commissionRound = expected + 1;
        for (uint256 i; i < count; ++i) emit NodeDecommissioned(decommission[i], round);
        for (uint256 i; i < recommission.length; ++i) emit NodeRecommissioned(recommission[i], round);
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
