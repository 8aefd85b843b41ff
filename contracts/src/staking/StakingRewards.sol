// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {NetworkAuthority} from "../crypto/NetworkAuthority.sol";

/// @dev What StakingRewards needs from the reward pool and the network key registry.
interface IRewardPoolRelease {
    function release() external returns (uint256);
}

interface INetworkVerifier {
    function verifyNetworkSignature(
        bytes32 purpose,
        bytes32 payloadHash,
        NetworkAuthority.NetworkSignature calldata sig
    ) external view;
}

/// @title StakingRewards
/// @notice The RewardRatePool's beneficiary: holds released rewards and pays them out against
/// network-authorised checkpoints of the whole reward ledger.
///
/// Design: each epoch the network signs ONE checkpoint — the Merkle root of every account's
/// CUMULATIVE reward (OpenZeppelin StandardMerkleTree leaves of (address account, uint256
/// cumulativeAmount)) and the ledger's cumulative total. Compared with signing per-address
/// balance updates (the anchor: one aggregate signature and ~1,080,000 gas per user, and a
/// user's update could be front-run to deny their claim), one checkpoint costs one signature
/// check per epoch for everyone, and a claim is a Merkle proof (~O(log n) hashes). Cumulative
/// amounts make claims order-independent and idempotent: a claim pays cumulative − claimed,
/// so claiming against the previous root after a new one lands is harmless. Both the current
/// and the previous root are accepted, so a checkpoint landing just before a user's claim
/// cannot invalidate the proof they built.
///
/// Conservation does not trust the network: a checkpoint's total may never exceed what this
/// contract has received (balance + claimed), nor decrease; and the sum of all claims may
/// never exceed the latest authorised total, whatever the roots say.
///
/// Signature: purpose REWARDS_PURPOSE, verified by the NetworkKeyRegistry (domain: chain id, the
/// SessionStaking address, purpose), payloadHash =
///   keccak256(abi.encode(address(this), uint64 epoch, bytes32 root, uint256 cumulativeTotal,
///                        uint64 ledgerBlock, uint64 signedAt))
/// Claim guarantee: checkpoints are at least {minCheckpointInterval} apart ({CheckpointTooSoon},
/// measured between the blocks they land in). A proof built from the checkpoint E that is current
/// when the user fetches it stays claimable for at least minCheckpointInterval after the fetch,
/// whatever anyone submits: E stays accepted while it is current or previous, i.e. until E+2
/// lands, and E+2 cannot land before E+1's time + minCheckpointInterval (E+1 landed after the
/// fetch). Without the spacing an outsider could call the public RewardRatePool.release() twice,
/// get two epochs signed and land them back to back, leaving every fetched proof two roots old.
///
/// Each checkpoint's epoch is exactly the latest epoch + 1 ({EpochNotNext}): no replay, and no
/// jump. (With "strictly increasing" a signed epoch 2^64 − 1 would have frozen rewards for good:
/// no later epoch exists.) A signature is accepted for 10 minutes after signedAt.
contract StakingRewards {
    using SafeERC20 for IERC20;

    bytes32 public constant REWARDS_PURPOSE = keccak256("SESH.rewards.checkpoint.v1");
    uint256 public constant SIGNATURE_TTL = 10 minutes;
    uint256 public constant MAX_CLOCK_SKEW = 3 minutes;
    /// @notice Upper bound of {minCheckpointInterval} (a deploy typo must not stall rewards for long).
    uint64 public constant MAX_CHECKPOINT_INTERVAL = 1 days;

    IERC20 public immutable token;
    IRewardPoolRelease public immutable rewardPool;
    /// @notice The network key registry (SessionStaking.keyRegistry()) that verifies checkpoints.
    INetworkVerifier public immutable keyRegistry;
    /// @notice Minimum time, in seconds, between two checkpoints (the claim guarantee's window).
    uint64 public immutable minCheckpointInterval;

    /// @notice Root of the latest checkpoint.
    bytes32 public currentRoot;
    /// @notice Root of the checkpoint before it (still accepted for claims).
    bytes32 public previousRoot;
    /// @notice Total the latest checkpoint authorises, cumulative since the start.
    uint128 public authorisedTotal;
    /// @notice Total paid out by claims.
    uint128 public totalClaimed;
    /// @notice Epoch of the latest checkpoint (0: none yet).
    uint64 public epoch;
    /// @notice Chain block up to which the latest checkpoint's ledger was computed.
    uint64 public ledgerBlock;
    /// @notice Block time of the latest checkpoint (0: none yet).
    uint64 public lastCheckpointAt;
    /// @notice Cumulative amount already paid to each account.
    mapping(address account => uint256 amount) public claimed;

    error ZeroAddress();
    error EpochNotNext(uint64 epoch, uint64 expected);
    error CheckpointTooSoon(uint64 allowedAt);
    error CheckpointIntervalTooLong(uint64 interval);
    error TotalDecreased(uint256 cumulativeTotal, uint256 authorised);
    error TotalExceedsReceived(uint256 cumulativeTotal, uint256 received);
    error SignatureExpired(uint64 signedAt, uint64 expiredAt);
    error SignatureFromFuture(uint64 signedAt, uint64 blockTime);
    error InvalidProof(address account, uint256 cumulativeAmount);
    error NothingToClaim(address account, uint256 cumulativeAmount, uint256 alreadyClaimed);
    error ExceedsAuthorisedTotal(uint256 wouldClaim, uint256 authorised);

    /// @notice The network authorised the ledger checkpoint `root` for `epoch_`.
    event RewardsAuthorised(
        uint64 indexed epoch, bytes32 root, uint256 cumulativeTotal, uint64 ledgerBlock, uint64 signedAt, uint64[] nonSigners
    );
    /// @notice `amount` was paid to `account`, which has now received `cumulativeAmount` in total.
    event RewardsClaimed(address indexed account, uint256 amount, uint256 cumulativeAmount);

    /// @param minCheckpointInterval_ seconds between checkpoints, ≤ MAX_CHECKPOINT_INTERVAL (3600 on
    /// real networks; 0 only for tests: it voids the claim guarantee)
    /// @param keyRegistry_ SessionStaking.keyRegistry(): it checks network signatures (domain: the
    /// SessionStaking address, so the network signs for `contract: SessionStaking` as ever)
    constructor(IERC20 token_, IRewardPoolRelease rewardPool_, INetworkVerifier keyRegistry_, uint64 minCheckpointInterval_) {
        if (address(token_) == address(0) || address(rewardPool_) == address(0) || address(keyRegistry_) == address(0)) {
            revert ZeroAddress();
        }
        if (minCheckpointInterval_ > MAX_CHECKPOINT_INTERVAL) revert CheckpointIntervalTooLong(minCheckpointInterval_);
        token = token_;
        rewardPool = rewardPool_;
        keyRegistry = keyRegistry_;
        minCheckpointInterval = minCheckpointInterval_;
    }

    /// @notice Installs the network-signed checkpoint of the reward ledger for `epoch_`.
    /// Anyone may submit it, at least {minCheckpointInterval} after the latest checkpoint. Pulls
    /// the pool's pending release first.
    /// @param epoch_ exactly the latest epoch + 1
    /// @param root StandardMerkleTree root over (address account, uint256 cumulativeAmount)
    /// @param cumulativeTotal Σ of every cumulative amount in the tree; never decreases and
    /// never exceeds what this contract received
    /// @param ledgerBlock_ the block the ledger was computed up to (informational)
    /// @param signedAt when the network signed; accepted for SIGNATURE_TTL
    /// @param sig aggregate network signature (see the contract NatSpec for the payload)
    function authoriseRewards(
        uint64 epoch_,
        bytes32 root,
        uint256 cumulativeTotal,
        uint64 ledgerBlock_,
        uint64 signedAt,
        NetworkAuthority.NetworkSignature calldata sig
    ) external {
        uint64 expected = epoch + 1; // epochs grow by one per checkpoint: never near 2^64
        if (epoch_ != expected) revert EpochNotNext(epoch_, expected);
        uint64 allowedAt = lastCheckpointAt + minCheckpointInterval;
        if (block.timestamp < allowedAt) revert CheckpointTooSoon(allowedAt);
        if (signedAt > block.timestamp + MAX_CLOCK_SKEW) revert SignatureFromFuture(signedAt, uint64(block.timestamp));
        uint64 expiredAt = signedAt + uint64(SIGNATURE_TTL);
        if (block.timestamp > expiredAt) revert SignatureExpired(signedAt, expiredAt);
        uint256 authorised = authorisedTotal;
        if (cumulativeTotal < authorised) revert TotalDecreased(cumulativeTotal, authorised);
        _verifyNetworkSignature(rewardsPayloadHash(epoch_, root, cumulativeTotal, ledgerBlock_, signedAt), sig);
        rewardPool.release();
        uint256 received = token.balanceOf(address(this)) + totalClaimed;
        if (cumulativeTotal > received) revert TotalExceedsReceived(cumulativeTotal, received);

        previousRoot = currentRoot;
        currentRoot = root;
        authorisedTotal = uint128(cumulativeTotal); // ≤ received ≤ supply < 2^128
        epoch = epoch_;
        ledgerBlock = ledgerBlock_;
        lastCheckpointAt = uint64(block.timestamp);
        emit RewardsAuthorised(epoch_, root, cumulativeTotal, ledgerBlock_, signedAt, sig.nonSigners);
    }

    /// @notice Pays `account` its cumulative reward minus what it already received. Anyone may
    /// call for anyone; the tokens always go to `account`. The proof may be against the current
    /// or the previous checkpoint.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof) external {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, currentRoot, leaf) && !MerkleProof.verifyCalldata(proof, previousRoot, leaf)) {
            revert InvalidProof(account, cumulativeAmount);
        }
        uint256 already = claimed[account];
        if (cumulativeAmount <= already) revert NothingToClaim(account, cumulativeAmount, already);
        uint256 amount = cumulativeAmount - already;
        uint256 newTotal = totalClaimed + amount;
        if (newTotal > authorisedTotal) revert ExceedsAuthorisedTotal(newTotal, authorisedTotal);
        claimed[account] = cumulativeAmount;
        totalClaimed = uint128(newTotal);
        emit RewardsClaimed(account, amount, cumulativeAmount);
        token.safeTransfer(account, amount);
    }

    /// @dev keyRegistry.verifyNetworkSignature(REWARDS_PURPOSE, payloadHash, sig), forwarding the
    /// signature's calldata as is (its offsets are relative to its own start) instead of
    /// re-encoding it element by element: ~150 gas less per non-signer. The registry decodes
    /// and checks it exactly as it would a re-encoded copy.
    function _verifyNetworkSignature(bytes32 payloadHash, NetworkAuthority.NetworkSignature calldata sig) private view {
        address target = address(keyRegistry);
        bytes4 selector = INetworkVerifier.verifyNetworkSignature.selector;
        bytes32 purpose = REWARDS_PURPOSE;
        assembly ("memory-safe") {
            let m := mload(0x40)
            let length := sub(calldatasize(), sig)
            mstore(m, selector)
            mstore(add(m, 0x04), purpose)
            mstore(add(m, 0x24), payloadHash)
            mstore(add(m, 0x44), 0x60)
            calldatacopy(add(m, 0x64), sig, length)
            if iszero(staticcall(gas(), target, m, add(0x64, length), 0, 0)) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
        }
    }

    /// @notice The payload hash the network signs for a checkpoint (mirrored by the sdk).
    function rewardsPayloadHash(uint64 epoch_, bytes32 root, uint256 cumulativeTotal, uint64 ledgerBlock_, uint64 signedAt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(address(this), epoch_, root, cumulativeTotal, ledgerBlock_, signedAt));
    }
}
