// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "./BN254.sol";

/**
 * @title NetworkAuthority: the BLS keys of the active nodes and the network-signature check.
 * @notice The logic of {NetworkKeyRegistry} (the deployed contract SessionStaking writes). It keeps one compressed G1 key per active node, the
 * aggregate G1 key of all active nodes, and verifies "the network authorises X" signatures:
 * ONE aggregate BLS signature (in G1) by at least 2/3 of the active nodes, the others named
 * as non-signers. Every key enters with a proof of possession bound to the operator, the
 * chain and the domain contract ({_domain}: the SessionStaking address for the registry, this
 * contract by default), so rogue-key attacks and key reuse across operators fail.
 *
 * Storage per node: `x | (suspended << 254) | (yParity << 255)` in one slot (x < P < 2^254, so
 * bits 254 and 255 are free; 0 = no key). Node id 0 is reserved (it means "none" in `nodeIdOfKey`).
 *
 * Suspended (decommissioned) keys: the key stays stored, so a recommission adds exactly the same
 * point back and the duplicate-key rule still holds (nodeIdOfKey keeps answering), but it is not
 * in the aggregate, not counted in activeNodeCount (the 2/3 threshold is over commissioned keys
 * only), and cannot be named as a non-signer (NonSignerNotActive): a node that signs nothing must
 * not lower the bar for the others. `nodeKey` still returns a suspended key (it is the node's
 * registered key; `isDecommissioned` tells whether it counts).
 *
 * Digests (mirrored by the sdk's `proofOfPossessionDigest` / `networkDigest`):
 *   PoP:     keccak256(abi.encode(POP_TAG, chainid, _domain(), operator, pk.x, pk.y))
 *   network: keccak256(abi.encode(NETWORK_TAG, chainid, _domain(), purpose, payloadHash))
 * The message point is BN254.hashToG1(digest). Expiry and replay protection live inside the
 * caller's payload.
 *
 * Why the check is sound: with H = hashToG1(digest) and gamma = keccak(H, sigma, apk1, apk2) mod r
 * (Fiat–Shamir over every input), e(sigma + gamma·apk1, −G2) · e(H + gamma·G1, apk2) == 1 is a
 * random linear combination of e(sigma, G2) == e(H, apk2) (the signature is valid under apk2)
 * and e(apk1, G2) == e(G1, apk2) (apk2 has the same secret as apk1). Passing it without both
 * holding needs a gamma chosen after the inputs to hit one value: probability ~1/r. apk1 is
 * computed here from stored keys (aggregate minus named non-signers), never taken from the
 * caller, so the caller can only supply apk2 consistent with the real signer set. Hashing to
 * G1 by try-and-increment (512-bit reduction, hashed sign bit) is a random oracle into G1
 * (cofactor 1); it is not constant-time, which is harmless because messages are public.
 *
 * Gas (bench/gas/crypto.ts, 2,000 active keys): ~143k execution for the check itself; each
 * non-signer adds ~2,840 execution gas (one cold SLOAD 2,100 + one ecAdd 150 + checks) plus
 * ~660 calldata gas (its id and y).
 */
abstract contract NetworkAuthority {
    bytes32 public constant POP_TAG = keccak256("SESH.BLS.proofOfPossession.v1");
    bytes32 public constant NETWORK_TAG = keccak256("SESH.BLS.networkSignature.v1");

    uint256 private constant _X_MASK = (1 << 254) - 1;
    uint256 private constant _SUSPENDED = 1 << 254;

    /**
     * @param sigma The aggregate signature of the signers (G1).
     * @param apkG2 The aggregate G2 key of the signers (EIP-197 order).
     * @param nonSigners Node ids of the active nodes that did not sign, strictly increasing.
     * @param nonSignerY For each non-signer, the y coordinate of its G1 key (x is in storage).
     */
    struct NetworkSignature {
        BN254.G1Point sigma;
        BN254.G2Point apkG2;
        uint64[] nonSigners;
        uint256[] nonSignerY;
    }

    error InvalidNodeId();
    error InvalidBlsKey();
    error DuplicateBlsKey(uint64 existingNodeId);
    error NodeKeyAlreadyActive(uint64 nodeId);
    error NodeKeyNotActive(uint64 nodeId);
    error InvalidProofOfPossession();
    error NoActiveNodes();
    error NonSignerLengthMismatch();
    error NonSignerListedTwice(uint64 nodeId);
    error NonSignersNotSorted();
    error NonSignerNotActive(uint64 nodeId);
    error NonSignerKeyMismatch(uint64 nodeId);
    error InsufficientSigners(uint256 signers, uint256 required);
    error InvalidNetworkSignature();
    error NodeNotCommissioned(uint64 nodeId);
    error NodeNotDecommissioned(uint64 nodeId);
    error CommissionListNotSorted();
    error CommissionListedTwice(uint64 nodeId);

    mapping(uint64 nodeId => uint256 compressedKey) private _compressedKeys;
    mapping(uint256 keyX => uint64 nodeId) private _nodeIdOfKey;
    BN254.G1Point private _aggregateKey;
    uint64 private _activeNodeCount; // commissioned keys only
    /// @notice Commission updates applied so far; the next update must carry this number.
    /// (Same slot as the count: an update reads and writes both.)
    uint64 public commissionRound;

    // ───────────────────────────── views ─────────────────────────────

    /// @notice The sum of the G1 keys of all active nodes ((0, 0) when there are none).
    function aggregateKey() external view returns (BN254.G1Point memory) {
        return _aggregateKey;
    }

    /// @notice How many nodes have an active, commissioned BLS key (the signing set).
    function activeNodeCount() external view returns (uint64) {
        return _activeNodeCount;
    }

    /// @notice True while the node's key is stored but decommissioned (out of the signing set).
    function isDecommissioned(uint64 nodeId) external view returns (bool) {
        return _compressedKeys[nodeId] & _SUSPENDED != 0;
    }

    /// @notice The G1 key of a node with a stored key (commissioned or not); reverts NodeKeyNotActive otherwise.
    function nodeKey(uint64 nodeId) external view returns (BN254.G1Point memory) {
        uint256 compressed = _compressedKeys[nodeId];
        if (compressed == 0) revert NodeKeyNotActive(nodeId);
        return _decompress(compressed);
    }

    /// @notice The node whose active key has this x coordinate, or 0 if none.
    function nodeIdOfKey(uint256 x) external view returns (uint64) {
        return _nodeIdOfKey[x];
    }

    /// @notice The digest a node signs (as BN254.hashToG1(digest)) to prove it owns `pk`.
    function proofOfPossessionDigest(address operator, BN254.G1Point memory pk) public view returns (bytes32) {
        return keccak256(abi.encode(POP_TAG, block.chainid, _domain(), operator, pk.x, pk.y));
    }

    /// @notice The digest the network signs to authorise `payloadHash` for `purpose` in the domain.
    function networkDigest(bytes32 purpose, bytes32 payloadHash) public view returns (bytes32) {
        return keccak256(abi.encode(NETWORK_TAG, block.chainid, _domain(), purpose, payloadHash));
    }

    /// @dev The size of the signing set (commissioned keys).
    function _commissionedCount() internal view returns (uint256) {
        return _activeNodeCount;
    }

    /// @dev The contract address every digest is bound to (off-chain signers pass it as `contract`).
    function _domain() internal view virtual returns (address) {
        return address(this);
    }

    // ───────────────────────────── key set ─────────────────────────────

    /// @dev Activates `pk` for `nodeId`. The caller has checked the proof of possession.
    function _addNodeKey(uint64 nodeId, BN254.G1Point memory pk) internal {
        if (nodeId == 0) revert InvalidNodeId();
        if (!BN254.isOnCurveG1(pk)) revert InvalidBlsKey();
        uint64 existing = _nodeIdOfKey[pk.x];
        if (existing != 0) revert DuplicateBlsKey(existing);
        if (_compressedKeys[nodeId] != 0) revert NodeKeyAlreadyActive(nodeId);
        _compressedKeys[nodeId] = pk.x | ((pk.y & 1) << 255);
        _nodeIdOfKey[pk.x] = nodeId;
        _aggregateKey = BN254.add(_aggregateKey, pk);
        unchecked {
            ++_activeNodeCount; // at most one key per uint64 id
        }
    }

    /// @dev Deletes the key of `nodeId` and returns it. A suspended key is already out of the
    /// aggregate and the count, so only its storage goes.
    function _removeNodeKey(uint64 nodeId) internal returns (BN254.G1Point memory pk) {
        uint256 compressed = _compressedKeys[nodeId];
        if (compressed == 0) revert NodeKeyNotActive(nodeId);
        pk = _decompress(compressed);
        delete _compressedKeys[nodeId];
        delete _nodeIdOfKey[pk.x];
        if (compressed & _SUSPENDED != 0) return pk;
        _aggregateKey = BN254.add(_aggregateKey, BN254.negate(pk));
        unchecked {
            --_activeNodeCount; // the key was commissioned, so the count is ≥ 1
        }
    }

    /// @dev Suspends every key of `decommission` and resumes every key of `recommission` (both
    /// strictly increasing, no id in both). The aggregate and the count are written once for the
    /// whole batch: per node one cold SLOAD, one SSTORE, one square root and one ecAdd.
    function _applyCommission(uint64[] calldata decommission, uint64[] calldata recommission) internal {
        BN254.G1Point memory delta; // Σ recommissioned − Σ decommissioned
        uint256 previous;
        for (uint256 i; i < decommission.length; ++i) {
            uint64 nodeId = decommission[i];
            if (i != 0 && nodeId <= previous) revert CommissionListNotSorted();
            previous = nodeId;
            uint256 compressed = _compressedKeys[nodeId];
            if (compressed == 0 || compressed & _SUSPENDED != 0) revert NodeNotCommissioned(nodeId);
            _compressedKeys[nodeId] = compressed | _SUSPENDED;
            delta = BN254.add(delta, BN254.negate(_decompress(compressed)));
        }
        uint256 j; // walks decommission alongside: both lists are sorted
        for (uint256 i; i < recommission.length; ++i) {
            uint64 nodeId = recommission[i];
            if (i != 0 && nodeId <= previous) revert CommissionListNotSorted();
            previous = nodeId;
            while (j < decommission.length && decommission[j] < nodeId) ++j;
            if (j < decommission.length && decommission[j] == nodeId) revert CommissionListedTwice(nodeId);
            uint256 compressed = _compressedKeys[nodeId];
            if (compressed & _SUSPENDED == 0) revert NodeNotDecommissioned(nodeId);
            compressed &= ~_SUSPENDED;
            _compressedKeys[nodeId] = compressed;
            delta = BN254.add(delta, _decompress(compressed));
        }
        _aggregateKey = BN254.add(_aggregateKey, delta);
        // Both lengths are bounded by the stored keys; the decommissions were checked ≤ count.
        _activeNodeCount = uint64(_activeNodeCount + recommission.length - decommission.length);
    }

    // ───────────────────────────── checks ─────────────────────────────

    /// @dev Reverts InvalidProofOfPossession unless `popSig` signs proofOfPossessionDigest(operator, pk)
    /// with the secret of both `pk` and `pkG2`. Reverts InvalidBlsKey for an off-curve / identity pk.
    function _verifyProofOfPossession(
        BN254.G1Point memory pk,
        BN254.G2Point memory pkG2,
        BN254.G1Point memory popSig,
        address operator
    ) internal view {
        if (!BN254.isOnCurveG1(pk)) revert InvalidBlsKey();
        BN254.G1Point memory h = BN254.hashToG1(proofOfPossessionDigest(operator, pk));
        if (!BN254.verifySignature(h, popSig, pk, pkG2)) revert InvalidProofOfPossession();
    }

    /// @dev Reverts unless at least 2/3 of the active nodes signed networkDigest(purpose, payloadHash).
    function _verifyNetworkSignature(bytes32 purpose, bytes32 payloadHash, NetworkSignature calldata sig)
        internal
        view
    {
        uint256 active = _activeNodeCount;
        if (active == 0) revert NoActiveNodes();
        uint64[] calldata nonSigners = sig.nonSigners;
        uint256[] calldata nonSignerY = sig.nonSignerY;
        uint256 count = nonSigners.length;
        if (nonSignerY.length != count) revert NonSignerLengthMismatch();
        uint256 signers = count >= active ? 0 : active - count;
        if (3 * signers < 2 * active) revert InsufficientSigners(signers, (2 * active + 2) / 3);

        BN254.G1Point memory apk = _aggregateKey;
        if (count != 0) apk = BN254.add(apk, BN254.negate(_sumNonSignerKeys(nonSigners, nonSignerY)));
        // An identity key would accept the identity signature: never valid.
        if (apk.x == 0 && apk.y == 0) revert InvalidNetworkSignature();

        BN254.G1Point memory h = BN254.hashToG1(networkDigest(purpose, payloadHash));
        if (!BN254.verifySignature(h, sig.sigma, apk, sig.apkG2)) revert InvalidNetworkSignature();
    }

    /// @dev Σ of the non-signers' keys; checks order, activity and each y against the stored key.
    /// Assembly because this loop is the per-non-signer cost (goal ≤ 3,000 gas each): one cold
    /// SLOAD, a few mulmods and one ecAdd, with no memory allocation.
    function _sumNonSignerKeys(uint64[] calldata nonSigners, uint256[] calldata nonSignerY)
        private
        view
        returns (BN254.G1Point memory sum)
    {
        uint256 failure; // 0 = none, else one of the _FAIL_* codes, for `failedNode`
        uint256 failedNode;
        uint256 p = BN254.P;
        assembly ("memory-safe") {
            let keysSlot := _compressedKeys.slot
            let m := mload(0x40) // ecAdd scratch, not allocated
            let sumX := 0
            let sumY := 0
            let previous := 0
            for { let i := 0 } lt(i, nonSigners.length) { i := add(i, 1) } {
                let nodeId := calldataload(add(nonSigners.offset, shl(5, i)))
                if gt(nodeId, 0xffffffffffffffff) { revert(0, 0) } // not a uint64: malformed calldata
                if and(gt(i, 0), iszero(gt(nodeId, previous))) {
                    failure := 1
                    if lt(nodeId, previous) { failure := 2 }
                    failedNode := nodeId
                    break
                }
                previous := nodeId
                mstore(0x00, nodeId)
                mstore(0x20, keysSlot)
                let compressed := sload(keccak256(0x00, 0x40))
                // No key, or a suspended one: not in the aggregate, so not a non-signer.
                if or(iszero(compressed), and(compressed, _SUSPENDED)) {
                    failure := 3
                    failedNode := nodeId
                    break
                }
                let x := and(compressed, _X_MASK)
                let y := calldataload(add(nonSignerY.offset, shl(5, i)))
                if iszero(
                    and(
                        and(lt(y, p), eq(and(y, 1), shr(255, compressed))),
                        eq(mulmod(y, y, p), addmod(mulmod(mulmod(x, x, p), x, p), 3, p))
                    )
                ) {
                    failure := 4
                    failedNode := nodeId
                    break
                }
                mstore(m, sumX)
                mstore(add(m, 0x20), sumY)
                mstore(add(m, 0x40), x)
                mstore(add(m, 0x60), y)
                if iszero(staticcall(gas(), 0x06, m, 0x80, m, 0x40)) {
                    failure := 5
                    break
                }
                sumX := mload(m)
                sumY := mload(add(m, 0x20))
            }
            mstore(sum, sumX)
            mstore(add(sum, 0x20), sumY)
        }
        if (failure != 0) {
            if (failure == 1) revert NonSignerListedTwice(uint64(failedNode));
            if (failure == 2) revert NonSignersNotSorted();
            if (failure == 3) revert NonSignerNotActive(uint64(failedNode));
            if (failure == 4) revert NonSignerKeyMismatch(uint64(failedNode));
            revert BN254.EcAddFailed();
        }
    }

    function _decompress(uint256 compressed) private view returns (BN254.G1Point memory) {
        uint256 x = compressed & _X_MASK;
        return BN254.G1Point(x, BN254.yFromX(x, compressed >> 255));
    }
}
