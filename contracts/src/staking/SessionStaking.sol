// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {BN254} from "../crypto/BN254.sol";
import {NetworkAuthority} from "../crypto/NetworkAuthority.sol";
import {NetworkKeyRegistry} from "../crypto/NetworkKeyRegistry.sol";

/// @dev The one RewardRatePool function the registry uses: penalties are paid into the pool.
interface IRewardPoolDeposit {
    function deposit(uint256 amount) external;
}

/// @title SessionStaking
/// @notice The Session Node registry. It holds every stake: solo nodes, multi-contributor
/// nodes (a node IS its contribution record: it fills up, then activates), exits and
/// deregistrations. Active nodes' BLS keys form the network key, kept by {keyRegistry} (a
/// {NetworkKeyRegistry} this contract deploys and alone writes): its aggregate signature
/// authorises exits, deregistrations and reward checkpoints. The seam: this contract keeps
/// the money, the registry keeps who signs.
///
/// No stuck funds: every token held here can be recovered by its contributor after a bounded
/// delay without any network signature:
///  - a node still filling: {withdrawContribution} 1 day after the contributor's last
///    contribution (full or not), or {cancelPool} by the operator at any time;
///  - an active node: {requestExit} (operator or contributor), then {exitWithoutSignature}
///    by anyone 30 days later;
///  - a deregistered node: {releaseDeregisteredStake} by anyone 30 days later.
/// Stakes are always paid to the contributor's own address. No admin function moves stakes.
///
/// Network signatures (verified by the key registry, domain: chain id, THIS contract's address
/// (the registry binds its digests to it), purpose):
///  - exit:           purpose EXIT_PURPOSE,       payloadHash = keccak256(abi.encode(uint64 nodeId, uint64 signedAt))
///  - deregistration: purpose DEREGISTER_PURPOSE, payloadHash = keccak256(abi.encode(uint64 nodeId, uint64 signedAt))
/// A signature is accepted from `signedAt − MAX_CLOCK_SKEW` until `signedAt + SIGNATURE_TTL`;
/// the node's status change makes each one single-use.
///
/// Amounts are uint64 base units (9 decimals; 2^64 ≈ 1.8·10^10 SESH, far above the supply).
contract SessionStaking is Ownable2Step {
    using SafeERC20 for IERC20;

    enum Status {
        None,
        AwaitingContributions,
        Active,
        ExitRequested,
        Deregistered,
        Exited,
        Cancelled
    }

    /// @dev Three slots (plus a fourth once deregistered). Solo nodes write only slot 0.
    struct Node {
        // slot 0
        address operator;
        uint16 feeBps;
        Status status;
        uint8 contributorCount;
        uint8 reservedCount; // reservations not yet taken up
        bool autoActivate;
        uint48 activatedAt;
        // slot 1 (multi-contributor filling, and the exit request)
        uint64 stakeRequired;
        uint64 totalStaked; // kept while filling; Σ contributors afterwards
        uint64 reservedOutstanding; // Σ reservations not yet taken up
        uint64 exitRequestedAt;
        // slot 2: the BLS key while filling, compressed as x | (y parity << 255); 0 afterwards
        uint256 pendingKey;
        // slot 3
        uint64 deregisteredAt;
    }

    /// @notice A node's keys, as printed by the node's `prepare-registration`.
    /// @param blsKey the BLS key in G1; blsKeyG2 the same secret in G2 (EIP-197 order)
    /// @param proofOfPossession BLS signature (G1) over proofOfPossessionDigest(operator, blsKey)
    /// @param ed25519Key the node's ed25519 key (only emitted)
    /// @param ed25519Signature (R, S) of the ed25519 key's RFC 8032 signature of
    /// keccak256(abi.encode(keccak256("SESH.ed25519.registration.v1"), chainid, this contract,
    /// operator, blsKey.x, blsKey.y)) (sdk: staking/ed25519-proof.ts). NOT verified here (ed25519
    /// on-chain costs ~670,000 gas; a registration's goal is ≤ 350,000): only emitted in
    /// NodeOpened, and every node verifies it off-chain. A node whose signature fails, or whose
    /// ed25519 key a live node already holds (a clone), earns nothing and is voted out; its stake
    /// still exits like any other.
    struct NodeKeys {
        BN254.G1Point blsKey;
        BN254.G2Point blsKeyG2;
        BN254.G1Point proofOfPossession;
        bytes32 ed25519Key;
        bytes32[2] ed25519Signature;
    }

    /// @notice A slot held for a named contributor in a multi-contributor node.
    struct Reservation {
        address account;
        uint64 amount;
    }

    /// @notice One contributor of a node imported by {seedNodes}.
    struct SeedContribution {
        address contributor;
        address beneficiary;
        uint64 amount;
    }

    /// @notice A node imported by {seedNodes}; contributors[0] must be the operator.
    struct SeedNode {
        NodeKeys keys;
        address operator;
        uint16 feeBps;
        SeedContribution[] contributors;
    }

    /// @notice Signature purpose of an exit.
    bytes32 public constant EXIT_PURPOSE = keccak256("SESH.staking.exit.v1");
    /// @notice Signature purpose of a deregistration.
    bytes32 public constant DEREGISTER_PURPOSE = keccak256("SESH.staking.deregister.v1");

    // Rules (internal to save code size; the sdk mirrors them in staking/constants.ts).
    uint256 internal constant MAX_CONTRIBUTORS = 10;
    uint256 internal constant BPS = 10_000;
    /// @notice The operator's first contribution is at least 1/4 of the stake.
    uint256 internal constant OPERATOR_MIN_DIVISOR = 4;
    uint256 internal constant WITHDRAW_DELAY = 1 days;
    uint256 internal constant EXIT_REQUEST_DELAY = 2 hours;
    uint256 internal constant SMALL_CONTRIBUTOR_EXIT_DELAY = 30 days;
    uint256 internal constant EXIT_UNLOCK_DELAY = 15 days;
    uint256 internal constant EXIT_WITHOUT_SIGNATURE_DELAY = 30 days;
    uint256 internal constant DEREGISTRATION_LOCK = 30 days;
    uint256 internal constant SIGNATURE_TTL = 10 minutes;
    uint256 internal constant MAX_CLOCK_SKEW = 3 minutes;
    uint64 internal constant MIN_STAKING_REQUIREMENT = 1_000e9;
    uint64 internal constant MAX_STAKING_REQUIREMENT = 1_000_000e9;
    uint16 internal constant MAX_PENALTY_BPS = 1_000;

    uint256 private constant _AMOUNT_SHIFT = 160;
    uint256 private constant _TIME_SHIFT = 224;
    uint256 private constant _X_MASK = (1 << 255) - 1;

    IERC20 public immutable token;
    IRewardPoolDeposit public immutable rewardPool;
    /// @notice The active BLS keys, their aggregate and the signature checks (deployed here).
    NetworkKeyRegistry public immutable keyRegistry;

    /// @notice Stake of a new node (existing nodes keep the requirement they opened with).
    uint64 public stakingRequirement;
    /// @notice The last node id given out (ids start at 1, sequential).
    uint64 public lastNodeId;
    /// @notice Deregistration penalty, in bps of the node's stake, taken from the operator's share.
    uint16 public penaltyBps;
    /// @notice Part of the stake paid to whoever submits a deregistration (≤ penaltyBps).
    uint16 public liquidatorRewardBps;
    /// @notice True while new registrations and pool openings are paused.
    bool public registrationsPaused;
    /// @notice False until {start}: only {seedNodes} may add nodes before.
    bool public started;

    mapping(uint64 nodeId => Node) private _nodes;
    /// @dev address | amount << 160 | lastContributionAt (uint32) << 224, one slot each.
    mapping(uint64 nodeId => uint256[MAX_CONTRIBUTORS]) private _contributors;
    mapping(uint64 nodeId => mapping(address account => uint64 amount)) private _reservations;

    error ZeroAddress();
    error ZeroAmount();
    error NotStarted();
    error AlreadyStarted();
    error RegistrationsArePaused();
    error UnknownNode(uint64 nodeId);
    error WrongNodeStatus(uint64 nodeId, Status status);
    error NotOperator(uint64 nodeId, address caller);
    error NotContributor(uint64 nodeId, address caller);
    error WrongStakeAmount(uint64 amount, uint64 required);
    error FeeTooHigh(uint16 feeBps);
    error OperatorStakeTooLow(uint64 amount, uint64 minimum);
    error ContributionTooLow(uint64 amount, uint64 minimum);
    error ContributionTooHigh(uint64 amount, uint64 maximum);
    error TooManyContributors(uint256 count);
    error InvalidReservation(address account, uint64 amount);
    error OperatorCannotWithdraw(uint64 nodeId);
    error WithdrawalTooEarly(uint64 nodeId, uint64 availableAt);
    error PoolNotFull(uint64 nodeId, uint64 missing);
    error ExitTooEarly(uint64 nodeId, uint64 allowedAt);
    error ExitNotUnlocked(uint64 nodeId, uint64 unlockAt);
    error SignatureExpired(uint64 signedAt, uint64 expiredAt);
    error SignatureFromFuture(uint64 signedAt, uint64 blockTime);
    error StakeStillLocked(uint64 nodeId, uint64 releaseAt);
    error StakingRequirementOutOfBounds(uint64 value);
    error PenaltyOutOfBounds(uint16 penaltyBps, uint16 liquidatorRewardBps);
    error SeedStakeMismatch(uint256 index, uint256 total, uint64 required);
    error SeedOperatorMustContributeFirst(uint256 index);

    /// @notice A node was opened: a solo node (activated in the same transaction), a
    /// multi-contributor node (filling) or a seeded node. Nodes read the ed25519 key from here and
    /// verify `ed25519Signature` (see {NodeKeys}; the contract does not). Emitted before any
    /// SlotReserved / Contributed / NodeActivated of the node.
    event NodeOpened(
        uint64 indexed nodeId,
        address indexed operator,
        BN254.G1Point blsKey,
        bytes32 ed25519Key,
        bytes32[2] ed25519Signature,
        uint16 feeBps,
        uint64 stakeRequired,
        bool autoActivate
    );
    /// @notice `account` holds a slot of at least `amount` in a filling node.
    event SlotReserved(uint64 indexed nodeId, address indexed account, uint64 amount);
    /// @notice `contributor` added `amount` (now `total`); rewards go to `beneficiary` (off-chain ledger).
    event Contributed(uint64 indexed nodeId, address indexed contributor, address beneficiary, uint64 amount, uint64 total);
    /// @notice `contributor` took back `amount` from a filling node.
    event ContributionWithdrawn(uint64 indexed nodeId, address indexed contributor, uint64 amount);
    /// @notice The node's key joined the network key; the node earns rewards from now.
    event NodeActivated(uint64 indexed nodeId, uint64 time);
    /// @notice The operator cancelled a filling node; every contributor was refunded.
    event PoolCancelled(uint64 indexed nodeId);
    /// @notice An exit was requested; the stake unlocks at `unlockAt` (with a network
    /// signature) and at `unlockAt + 15 days` without one.
    event ExitRequested(uint64 indexed nodeId, address indexed by, uint64 unlockAt);
    /// @notice The node left the network; its stake was returned.
    event NodeExited(uint64 indexed nodeId, bool withSignature);
    /// @notice The network removed the node. `penalty` came out of the operator's stake: the
    /// `liquidatorReward` part to `liquidator`, the rest to the reward pool.
    event NodeDeregistered(uint64 indexed nodeId, address indexed liquidator, uint64 penalty, uint64 liquidatorReward, uint64 releaseAt);
    /// @notice `amount` of the node's stake went back to `contributor`.
    event StakeReturned(uint64 indexed nodeId, address indexed contributor, uint64 amount);
    /// @notice New registrations and pool openings were paused (true) or resumed.
    event RegistrationsPausedSet(bool paused);
    /// @notice The owner set the stake of new nodes and the deregistration penalty split.
    event ParametersSet(uint64 stakingRequirement, uint16 penaltyBps, uint16 liquidatorRewardBps);
    /// @notice Registrations opened; seeding is closed for good.
    event Started();

    /// @param token_ the SESH token
    /// @param rewardPool_ the RewardRatePool penalties are deposited into
    /// @param stakingRequirement_ stake of a node, within [MIN_STAKING_REQUIREMENT, MAX_STAKING_REQUIREMENT]
    constructor(IERC20 token_, IRewardPoolDeposit rewardPool_, uint64 stakingRequirement_) Ownable(msg.sender) {
        if (address(token_) == address(0) || address(rewardPool_) == address(0)) revert ZeroAddress();
        _checkRequirement(stakingRequirement_);
        token = token_;
        rewardPool = rewardPool_;
        keyRegistry = new NetworkKeyRegistry();
        stakingRequirement = stakingRequirement_;
        penaltyBps = 100; // 1%
        liquidatorRewardBps = 10; // 0.1%
        token_.forceApprove(address(rewardPool_), type(uint256).max);
    }

    // ───────────────────────────── registration ─────────────────────────────

    /// @notice Registers a node staked in full by the caller (its operator), active at once.
    /// @param keys the node's keys; the proof of possession must be bound to msg.sender
    /// @param amount must equal {stakingRequirement} (guards against a requirement change)
    /// @param beneficiary receives the rewards in the off-chain ledger (only emitted)
    /// @return nodeId the new node's id
    function registerSoloNode(NodeKeys calldata keys, uint64 amount, address beneficiary)
        external
        returns (uint64 nodeId)
    {
        _checkOpen();
        uint64 required = stakingRequirement;
        if (amount != required) revert WrongStakeAmount(amount, required);
        _verifyKeys(keys, msg.sender);
        nodeId = ++lastNodeId;
        keyRegistry.addNodeKey(nodeId, keys.blsKey);
        Node storage node = _nodes[nodeId];
        node.operator = msg.sender;
        node.status = Status.Active;
        node.contributorCount = 1;
        node.activatedAt = uint48(block.timestamp);
        _contributors[nodeId][0] = _packContribution(msg.sender, amount);
        _emitOpened(nodeId, msg.sender, keys, 0, required, true);
        _emitContributed(nodeId, msg.sender, beneficiary, amount, amount);
        emit NodeActivated(nodeId, uint64(block.timestamp));
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Opens a multi-contributor node with the caller as operator. The proof of
    /// possession is checked NOW, so contributors can never fund a node whose key the network
    /// would refuse.
    /// @param feeBps operator fee, 0–10000 bps of the node's rewards
    /// @param reserved slots held for named contributors (each must later put in ≥ its amount)
    /// @param autoActivate activate as soon as the stake is full (else the operator calls {activate})
    /// @param operatorAmount the operator's contribution, ≥ 1/4 of the stake
    /// @param beneficiary receives the operator's rewards in the off-chain ledger (only emitted)
    /// @return nodeId the new node's id
    function openPool(
        NodeKeys calldata keys,
        uint16 feeBps,
        Reservation[] calldata reserved,
        bool autoActivate,
        uint64 operatorAmount,
        address beneficiary
    ) external returns (uint64 nodeId) {
        _checkOpen();
        if (feeBps > BPS) revert FeeTooHigh(feeBps);
        uint64 required = stakingRequirement;
        _checkOperatorAmount(operatorAmount, required);
        if (reserved.length + 1 > MAX_CONTRIBUTORS) revert TooManyContributors(reserved.length + 1);
        _verifyKeys(keys, msg.sender);
        _checkKeyFree(keys.blsKey.x);

        nodeId = ++lastNodeId;
        Node storage node = _nodes[nodeId];
        node.operator = msg.sender;
        node.feeBps = feeBps;
        node.status = Status.AwaitingContributions;
        node.contributorCount = 1;
        node.reservedCount = uint8(reserved.length);
        node.autoActivate = autoActivate;
        // NodeOpened first, then the reservations (SlotReserved), then the operator's
        // Contributed: every node follows the chain by events and needs the node before its slots.
        _fill(nodeId, node, keys, required, operatorAmount);
        node.reservedOutstanding = _reserve(nodeId, reserved, required - operatorAmount);
        _emitContributed(nodeId, msg.sender, beneficiary, operatorAmount, operatorAmount);
        token.safeTransferFrom(msg.sender, address(this), operatorAmount);
        if (operatorAmount == required && autoActivate) _activate(nodeId, node);
    }

    /// @notice Adds `amount` to a filling node. A new contributor puts in at least
    /// (unreserved room) ÷ (unreserved open slots); a reserved account at least its reservation;
    /// an existing contributor may top up any amount. Nobody can take reserved room.
    /// @param beneficiary receives this contributor's rewards in the off-chain ledger (only emitted)
    function contribute(uint64 nodeId, uint64 amount, address beneficiary) external {
        Node storage node = _nodes[nodeId];
        _checkStatus(nodeId, node.status, Status.AwaitingContributions);
        if (amount == 0) revert ZeroAmount();
        uint64 required = node.stakeRequired;
        uint64 total = node.totalStaked;
        uint64 outstanding = node.reservedOutstanding;
        uint64 room = required - total - outstanding; // unreserved room
        uint256 count = node.contributorCount;
        (uint256 index, uint64 current) = _findContributor(nodeId, count, msg.sender);

        if (index < count) {
            if (amount > room) revert ContributionTooHigh(amount, room);
            current += amount;
            _contributors[nodeId][index] = _packContribution(msg.sender, current);
        } else {
            uint64 reservation = _reservations[nodeId][msg.sender];
            if (reservation != 0) {
                if (amount < reservation) revert ContributionTooLow(amount, reservation);
                if (amount - reservation > room) revert ContributionTooHigh(amount, reservation + room);
                delete _reservations[nodeId][msg.sender];
                node.reservedOutstanding = outstanding - reservation;
                node.reservedCount -= 1;
            } else {
                uint256 openSlots = MAX_CONTRIBUTORS - count - node.reservedCount;
                if (openSlots == 0) revert TooManyContributors(count + node.reservedCount + 1);
                uint64 minimum = uint64(room / openSlots);
                if (amount < minimum) revert ContributionTooLow(amount, minimum);
                if (amount > room) revert ContributionTooHigh(amount, room);
            }
            current = amount;
            _contributors[nodeId][index] = _packContribution(msg.sender, amount);
            node.contributorCount = uint8(count + 1);
        }
        total += amount;
        node.totalStaked = total;
        _emitContributed(nodeId, msg.sender, beneficiary, amount, current);
        token.safeTransferFrom(msg.sender, address(this), amount);
        if (total == required && node.autoActivate) _activate(nodeId, node);
    }

    /// @notice Takes back the caller's whole contribution from a filling node (full or not),
    /// 1 day after their last contribution. The operator cancels instead.
    function withdrawContribution(uint64 nodeId) external {
        Node storage node = _nodes[nodeId];
        _checkStatus(nodeId, node.status, Status.AwaitingContributions);
        if (msg.sender == node.operator) revert OperatorCannotWithdraw(nodeId);
        uint256 count = node.contributorCount;
        (uint256 index, uint64 amount) = _findContributor(nodeId, count, msg.sender);
        if (index == count) revert NotContributor(nodeId, msg.sender);
        uint64 availableAt = uint64(_contributors[nodeId][index] >> _TIME_SHIFT) + uint64(WITHDRAW_DELAY);
        if (block.timestamp < availableAt) revert WithdrawalTooEarly(nodeId, availableAt);
        // Keep the array dense: the last contributor moves into the freed slot (never slot 0).
        uint256 last = count - 1;
        if (index != last) _contributors[nodeId][index] = _contributors[nodeId][last];
        delete _contributors[nodeId][last];
        node.contributorCount = uint8(last);
        node.totalStaked -= amount;
        emit ContributionWithdrawn(nodeId, msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @notice The operator cancels a filling node; every contributor gets their stake back.
    function cancelPool(uint64 nodeId) external {
        Node storage node = _nodes[nodeId];
        _checkStatus(nodeId, node.status, Status.AwaitingContributions);
        if (msg.sender != node.operator) revert NotOperator(nodeId, msg.sender);
        node.status = Status.Cancelled;
        node.totalStaked = 0;
        node.pendingKey = 0;
        emit PoolCancelled(nodeId);
        _returnStakes(nodeId, node);
    }

    /// @notice The operator activates a full node that was opened without auto-activation.
    function activate(uint64 nodeId) external {
        Node storage node = _nodes[nodeId];
        _checkStatus(nodeId, node.status, Status.AwaitingContributions);
        if (msg.sender != node.operator) revert NotOperator(nodeId, msg.sender);
        if (node.totalStaked != node.stakeRequired) revert PoolNotFull(nodeId, node.stakeRequired - node.totalStaked);
        _activate(nodeId, node);
    }

    // ───────────────────────────── exits ─────────────────────────────

    /// @notice Starts the exit of an active node: by its operator or a contributor, not within
    /// 2 h of activation, and, for a contributor with under 1/4 of the stake, not within 30 days.
    function requestExit(uint64 nodeId) external {
        Node storage node = _nodes[nodeId];
        _checkStatus(nodeId, node.status, Status.Active);
        uint64 activatedAt = node.activatedAt;
        uint64 allowedAt = activatedAt + uint64(EXIT_REQUEST_DELAY);
        if (msg.sender != node.operator) {
            uint256 count = node.contributorCount;
            (uint256 index, uint64 amount) = _findContributor(nodeId, count, msg.sender);
            if (index == count) revert NotContributor(nodeId, msg.sender);
            if (uint256(amount) * OPERATOR_MIN_DIVISOR < _stakeOf(nodeId, count)) {
                allowedAt = activatedAt + uint64(SMALL_CONTRIBUTOR_EXIT_DELAY);
            }
        }
        if (block.timestamp < allowedAt) revert ExitTooEarly(nodeId, allowedAt);
        node.status = Status.ExitRequested;
        node.exitRequestedAt = uint64(block.timestamp);
        emit ExitRequested(nodeId, msg.sender, uint64(block.timestamp + EXIT_UNLOCK_DELAY));
    }

    /// @notice Completes an exit with the network's signature (anyone may submit it), 15 days
    /// after the request. Stakes go back to the contributors.
    /// @param signedAt the time the network signed; accepted for SIGNATURE_TTL
    /// @param sig aggregate signature over EXIT_PURPOSE, keccak256(abi.encode(nodeId, signedAt))
    function exitWithSignature(uint64 nodeId, uint64 signedAt, NetworkAuthority.NetworkSignature calldata sig) external {
        Node storage node = _nodes[nodeId];
        _checkStatus(nodeId, node.status, Status.ExitRequested);
        uint64 unlockAt = node.exitRequestedAt + uint64(EXIT_UNLOCK_DELAY);
        if (block.timestamp < unlockAt) revert ExitNotUnlocked(nodeId, unlockAt);
        _checkNodeSignature(EXIT_PURPOSE, nodeId, signedAt, sig);
        _exit(nodeId, node, true);
    }

    /// @notice Completes an exit without any signature, 30 days after the request. Anyone may call.
    function exitWithoutSignature(uint64 nodeId) external {
        Node storage node = _nodes[nodeId];
        _checkStatus(nodeId, node.status, Status.ExitRequested);
        uint64 unlockAt = node.exitRequestedAt + uint64(EXIT_WITHOUT_SIGNATURE_DELAY);
        if (block.timestamp < unlockAt) revert ExitNotUnlocked(nodeId, unlockAt);
        _exit(nodeId, node, false);
    }

    /// @notice Removes a node the network has voted out (anyone may submit: the submitter gets
    /// the liquidator reward). The key leaves at once; the stake stays locked for 30 days; the
    /// penalty comes out of the operator's share only (capped at that share).
    /// @dev The liquidator reward is an OPEN BOUNTY, by decision: the signed payload does not
    /// name the submitter, so whoever lands a valid signature first (e.g. by copying the
    /// gateway's transaction) gets the reward. That is the point of the reward: anyone gets the
    /// job done, and the outcome (key removed, penalty to the pool) is the same whoever submits.
    /// Binding the submitter would make a deregistration depend on one address being up within
    /// the 10-minute signature window. The reward is small (liquidatorRewardBps ≤ penaltyBps ≤ 10%
    /// of the stake; 0.1% by default), and on Arbitrum the sequencer orders first come, first
    /// served with no public mempool, so copying is a race, not a priority-fee auction.
    /// @param sig aggregate signature over DEREGISTER_PURPOSE, keccak256(abi.encode(nodeId, signedAt))
    function deregisterWithSignature(uint64 nodeId, uint64 signedAt, NetworkAuthority.NetworkSignature calldata sig) external {
        Node storage node = _nodes[nodeId];
        Status status = node.status;
        if (status != Status.Active && status != Status.ExitRequested) revert WrongNodeStatus(nodeId, status);
        _checkNodeSignature(DEREGISTER_PURPOSE, nodeId, signedAt, sig);
        keyRegistry.removeNodeKey(nodeId);
        (uint64 penalty, uint64 reward) = _takePenalty(nodeId, node.contributorCount);
        node.status = Status.Deregistered;
        node.deregisteredAt = uint64(block.timestamp);
        emit NodeDeregistered(nodeId, msg.sender, penalty, reward, uint64(block.timestamp + DEREGISTRATION_LOCK));
        if (reward != 0) token.safeTransfer(msg.sender, reward);
        if (penalty > reward) rewardPool.deposit(penalty - reward);
    }

    /// @notice Returns a deregistered node's remaining stake to its contributors, 30 days after
    /// the deregistration. Anyone may call.
    function releaseDeregisteredStake(uint64 nodeId) external {
        Node storage node = _nodes[nodeId];
        _checkStatus(nodeId, node.status, Status.Deregistered);
        uint64 releaseAt = node.deregisteredAt + uint64(DEREGISTRATION_LOCK);
        if (block.timestamp < releaseAt) revert StakeStillLocked(nodeId, releaseAt);
        node.status = Status.Exited;
        emit NodeExited(nodeId, false);
        _returnStakes(nodeId, node);
    }

    // ───────────── network key views, forwarded to the key registry (same answers) ─────────────

    /// @notice Reverts unless at least 2/3 of the active nodes signed `payloadHash` for
    /// `purpose` (domain: this chain and this contract). StakingRewards asks the registry directly.
    function verifyNetworkSignature(bytes32 purpose, bytes32 payloadHash, NetworkAuthority.NetworkSignature calldata sig)
        external
        view
    {
        keyRegistry.verifyNetworkSignature(purpose, payloadHash, sig);
    }

    /// @notice How many nodes have an active, commissioned BLS key (the signing set).
    function activeNodeCount() external view returns (uint64) {
        return keyRegistry.activeNodeCount();
    }

    /// @notice The sum of the G1 keys of all active nodes ((0, 0) when there are none).
    function aggregateKey() external view returns (BN254.G1Point memory) {
        return keyRegistry.aggregateKey();
    }

    /// @notice The G1 key of a node with a stored key (also a decommissioned one); reverts NodeKeyNotActive otherwise.
    function nodeKey(uint64 nodeId) external view returns (BN254.G1Point memory) {
        return keyRegistry.nodeKey(nodeId);
    }

    /// @notice True while the node is decommissioned (out of the signing set, stake untouched).
    function isDecommissioned(uint64 nodeId) external view returns (bool) {
        return keyRegistry.isDecommissioned(nodeId);
    }

    /// @notice The number the next commission update must carry (the registry's updateCommission).
    function commissionRound() external view returns (uint64) {
        return keyRegistry.commissionRound();
    }

    /// @notice The node whose active key has this x coordinate, or 0 if none.
    function nodeIdOfKey(uint256 x) external view returns (uint64) {
        return keyRegistry.nodeIdOfKey(x);
    }

    /// @notice The digest a node signs to prove it owns `pk` (bound to this contract).
    function proofOfPossessionDigest(address operator, BN254.G1Point calldata pk) external view returns (bytes32) {
        return keyRegistry.proofOfPossessionDigest(operator, pk);
    }

    /// @notice The digest the network signs to authorise `payloadHash` for `purpose` here.
    function networkDigest(bytes32 purpose, bytes32 payloadHash) external view returns (bytes32) {
        return keyRegistry.networkDigest(purpose, payloadHash);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @notice A node's raw storage: its four {Node} slots and one packed slot per contributor
    /// (address | amount << 160 | lastContributionAt (uint32) << 224, operator first). Raw to
    /// keep the contract under the EIP-170 size limit; the sdk's `decodeNodeRecord` types it.
    function nodeRecord(uint64 nodeId) external view returns (uint256[4] memory slots, uint256[] memory contributors) {
        Node storage node = _nodes[nodeId];
        assembly ("memory-safe") {
            for { let i := 0 } lt(i, 4) { i := add(i, 1) } { mstore(add(slots, mul(i, 0x20)), sload(add(node.slot, i))) }
        }
        uint256 count = node.contributorCount;
        contributors = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            contributors[i] = _contributors[nodeId][i];
        }
    }

    /// @notice The slot held for `account` in a filling node (0 if none or taken up).
    function reservationOf(uint64 nodeId, address account) external view returns (uint64) {
        return _reservations[nodeId][account];
    }

    // ───────────────────────────── admin (each emits an event) ─────────────────────────────

    /// @notice Pauses (true) or resumes new registrations and pool openings. Nothing else pauses.
    function setRegistrationsPaused(bool paused) external onlyOwner {
        registrationsPaused = paused;
        emit RegistrationsPausedSet(paused);
    }

    /// @notice Sets the stake of nodes opened from now on (existing nodes keep theirs), the
    /// deregistration penalty (≤ MAX_PENALTY_BPS) and the liquidator's part of it (≤ penalty),
    /// all within hard-coded bounds.
    function setParameters(uint64 stakingRequirement_, uint16 penaltyBps_, uint16 liquidatorRewardBps_)
        external
        onlyOwner
    {
        _checkRequirement(stakingRequirement_);
        if (penaltyBps_ > MAX_PENALTY_BPS || liquidatorRewardBps_ > penaltyBps_) {
            revert PenaltyOutOfBounds(penaltyBps_, liquidatorRewardBps_);
        }
        stakingRequirement = stakingRequirement_;
        penaltyBps = penaltyBps_;
        liquidatorRewardBps = liquidatorRewardBps_;
        emit ParametersSet(stakingRequirement_, penaltyBps_, liquidatorRewardBps_);
    }

    /// @notice Imports migrated nodes, active at once, before {start}. Every key carries a
    /// proof of possession bound to its operator; each node's contributions sum to the current
    /// stake. The tokens are pulled from the caller, who needs an allowance.
    function seedNodes(SeedNode[] calldata nodes) external onlyOwner {
        if (started) revert AlreadyStarted();
        uint64 required = stakingRequirement;
        uint64 nodeId = lastNodeId;
        uint256 pulled;
        for (uint256 i; i < nodes.length; ++i) {
            SeedNode calldata seed = nodes[i];
            SeedContribution[] calldata list = seed.contributors;
            if (seed.feeBps > BPS) revert FeeTooHigh(seed.feeBps);
            if (list.length == 0 || list[0].contributor != seed.operator) revert SeedOperatorMustContributeFirst(i);
            if (list.length > MAX_CONTRIBUTORS) revert TooManyContributors(list.length);
            _verifyKeys(seed.keys, seed.operator);
            ++nodeId;
            keyRegistry.addNodeKey(nodeId, seed.keys.blsKey);
            _emitOpened(nodeId, seed.operator, seed.keys, seed.feeBps, required, true);
            uint256 total;
            for (uint256 j; j < list.length; ++j) {
                SeedContribution calldata c = list[j];
                if (c.contributor == address(0)) revert ZeroAddress();
                if (c.amount == 0) revert ZeroAmount();
                total += c.amount;
                _contributors[nodeId][j] = _packContribution(c.contributor, c.amount);
                _emitContributed(nodeId, c.contributor, c.beneficiary, c.amount, c.amount);
            }
            if (total != required) revert SeedStakeMismatch(i, total, required);
            pulled += total;
            Node storage node = _nodes[nodeId];
            node.operator = seed.operator;
            node.feeBps = seed.feeBps;
            node.status = Status.Active;
            node.contributorCount = uint8(list.length);
            node.activatedAt = uint48(block.timestamp);
            emit NodeActivated(nodeId, uint64(block.timestamp));
        }
        lastNodeId = nodeId;
        token.safeTransferFrom(msg.sender, address(this), pulled);
    }

    /// @notice Opens registrations. Called once, after any {seedNodes}.
    function start() external onlyOwner {
        if (started) revert AlreadyStarted();
        started = true;
        emit Started();
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev Records the reservations (fresh, non-zero, not the operator), Σ ≤ `room`.
    function _reserve(uint64 nodeId, Reservation[] calldata reserved, uint64 room) private returns (uint64 total) {
        for (uint256 i; i < reserved.length; ++i) {
            Reservation calldata r = reserved[i];
            if (
                r.account == address(0) || r.account == msg.sender || r.amount == 0
                    || _reservations[nodeId][r.account] != 0
            ) revert InvalidReservation(r.account, r.amount);
            _reservations[nodeId][r.account] = r.amount;
            total += r.amount;
            emit SlotReserved(nodeId, r.account, r.amount);
        }
        if (total > room) revert ContributionTooHigh(total, room);
    }

    /// @dev The filling part of a new pool: stake accounting, pending key, operator's slot, and
    /// the NodeOpened event (emitted before any SlotReserved/Contributed of the node).
    function _fill(uint64 nodeId, Node storage node, NodeKeys calldata keys, uint64 required, uint64 operatorAmount)
        private
    {
        node.stakeRequired = required;
        node.totalStaked = operatorAmount;
        node.pendingKey = keys.blsKey.x | ((keys.blsKey.y & 1) << 255);
        _contributors[nodeId][0] = _packContribution(msg.sender, operatorAmount);
        _emitOpened(nodeId, msg.sender, keys, node.feeBps, required, node.autoActivate);
    }

    function _checkOperatorAmount(uint64 amount, uint64 required) private pure {
        uint64 minimum = uint64(_ceilDiv(required, OPERATOR_MIN_DIVISOR));
        if (amount < minimum) revert OperatorStakeTooLow(amount, minimum);
        if (amount > required) revert ContributionTooHigh(amount, required);
    }

    /// @dev A filling node's key must not be active already (it would fail at activation).
    function _checkKeyFree(uint256 x) private view {
        uint64 existing = keyRegistry.nodeIdOfKey(x);
        if (existing != 0) revert NetworkAuthority.DuplicateBlsKey(existing);
    }

    function _verifyKeys(NodeKeys calldata keys, address operator) private view {
        keyRegistry.verifyProofOfPossession(keys.blsKey, keys.blsKeyG2, keys.proofOfPossession, operator);
    }

    function _checkOpen() private view {
        if (!started) revert NotStarted();
        if (registrationsPaused) revert RegistrationsArePaused();
    }

    function _checkStatus(uint64 nodeId, Status status, Status expected) private pure {
        if (status != expected) {
            if (status == Status.None) revert UnknownNode(nodeId);
            revert WrongNodeStatus(nodeId, status);
        }
    }

    function _checkRequirement(uint64 value) private pure {
        if (value < MIN_STAKING_REQUIREMENT || value > MAX_STAKING_REQUIREMENT) {
            revert StakingRequirementOutOfBounds(value);
        }
    }

    /// @dev Checks the signature's age, then the network signature over (nodeId, signedAt).
    function _checkNodeSignature(bytes32 purpose, uint64 nodeId, uint64 signedAt, NetworkAuthority.NetworkSignature calldata sig)
        private
        view
    {
        if (signedAt > block.timestamp + MAX_CLOCK_SKEW) revert SignatureFromFuture(signedAt, uint64(block.timestamp));
        uint64 expiredAt = signedAt + uint64(SIGNATURE_TTL);
        if (block.timestamp > expiredAt) revert SignatureExpired(signedAt, expiredAt);
        keyRegistry.verifyNetworkSignature(purpose, keccak256(abi.encode(nodeId, signedAt)), sig);
    }

    function _activate(uint64 nodeId, Node storage node) private {
        uint256 compressed = node.pendingKey;
        uint256 x = compressed & _X_MASK;
        keyRegistry.addNodeKey(nodeId, BN254.G1Point(x, BN254.yFromX(x, compressed >> 255)));
        node.pendingKey = 0;
        node.status = Status.Active;
        node.activatedAt = uint48(block.timestamp);
        emit NodeActivated(nodeId, uint64(block.timestamp));
    }

    function _exit(uint64 nodeId, Node storage node, bool withSignature) private {
        keyRegistry.removeNodeKey(nodeId);
        node.status = Status.Exited;
        emit NodeExited(nodeId, withSignature);
        _returnStakes(nodeId, node);
    }

    /// @dev Pays every contributor their current stake and clears the list (effects first).
    function _returnStakes(uint64 nodeId, Node storage node) private {
        uint256 count = node.contributorCount;
        node.contributorCount = 0;
        uint256[MAX_CONTRIBUTORS] storage list = _contributors[nodeId];
        for (uint256 i; i < count; ++i) {
            uint256 slot = list[i];
            delete list[i];
            address contributor = address(uint160(slot));
            uint64 amount = uint64(slot >> _AMOUNT_SHIFT);
            emit StakeReturned(nodeId, contributor, amount);
            if (amount != 0) token.safeTransfer(contributor, amount);
        }
    }

    /// @dev Takes the deregistration penalty out of the operator's stake (slot 0), capped at it.
    /// Rounding favours the pool: the penalty rounds up, the liquidator's reward down.
    function _takePenalty(uint64 nodeId, uint256 count) private returns (uint64 penalty, uint64 reward) {
        uint256 total = _stakeOf(nodeId, count);
        uint256 operatorSlot = _contributors[nodeId][0];
        uint64 operatorAmount = uint64(operatorSlot >> _AMOUNT_SHIFT);
        uint256 p = _ceilDiv(total * penaltyBps, BPS);
        penalty = p > operatorAmount ? operatorAmount : uint64(p);
        uint256 r = (total * liquidatorRewardBps) / BPS;
        reward = r > penalty ? penalty : uint64(r);
        _contributors[nodeId][0] = (operatorSlot & ~(uint256(type(uint64).max) << _AMOUNT_SHIFT))
            | (uint256(operatorAmount - penalty) << _AMOUNT_SHIFT);
    }

    /// @dev The index of `account` among the first `count` contributors (count if absent) and its stake.
    function _findContributor(uint64 nodeId, uint256 count, address account)
        private
        view
        returns (uint256 index, uint64 amount)
    {
        uint256[MAX_CONTRIBUTORS] storage list = _contributors[nodeId];
        for (; index < count; ++index) {
            uint256 slot = list[index];
            if (address(uint160(slot)) == account) return (index, uint64(slot >> _AMOUNT_SHIFT));
        }
    }

    function _stakeOf(uint64 nodeId, uint256 count) private view returns (uint256 total) {
        uint256[MAX_CONTRIBUTORS] storage list = _contributors[nodeId];
        for (uint256 i; i < count; ++i) {
            total += uint64(list[i] >> _AMOUNT_SHIFT);
        }
    }

    function _packContribution(address account, uint64 amount) private view returns (uint256) {
        return uint256(uint160(account)) | (uint256(amount) << _AMOUNT_SHIFT)
            | (uint256(uint32(block.timestamp)) << _TIME_SHIFT);
    }

    // One emitting function per event keeps the contract under the EIP-170 size limit.
    function _emitOpened(
        uint64 nodeId,
        address operator,
        NodeKeys calldata keys,
        uint16 feeBps,
        uint64 stakeRequired,
        bool autoActivate
    ) private {
        emit NodeOpened(nodeId, operator, keys.blsKey, keys.ed25519Key, keys.ed25519Signature, feeBps, stakeRequired, autoActivate);
    }

    /// @dev The beneficiary defaults to the contributor.
    function _emitContributed(uint64 nodeId, address contributor, address beneficiary, uint64 amount, uint64 total)
        private
    {
        emit Contributed(nodeId, contributor, beneficiary == address(0) ? contributor : beneficiary, amount, total);
    }

    function _ceilDiv(uint256 a, uint256 b) private pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}
