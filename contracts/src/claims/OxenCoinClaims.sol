// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

/// @notice The part of the reward pool this contract sweeps into.
interface IRewardPoolDeposits {
    function deposit(uint256 amount) external;
}

/// @title OxenCoinClaims
/// @notice Oxen Coin Claims: 30,000,000 SESH for OXEN burnt to migrate. The bridge service
/// (centralised, like the program) credits verified burns; anyone can then claim an account's
/// credit, and the tokens always go to that account.
///
/// Amount of a burn (computed here, not trusted from the bridge), rounded down:
///   full    = oxenBurned × 30,000,000 SESH ÷ circulatingOxen   (circulatingOxen = OXEN supply
///             at TGE − OPTF holdings, atomic units, fixed at deploy)
///   credit  = full                 if recordedAt ≤ reducedAfter (TGE + 6 months, fixed at deploy)
///           = full × 7 ÷ 10        otherwise
///
/// Budget rule (contract-enforced): every burn consumes its *full* share of the 30,000,000
/// budget, whatever it is paid; `consumed` can never exceed the budget, so credits can never
/// exceed 30,000,000 either.
///
/// Sweep rule: the contract keeps `owed` (credited, unclaimed) plus a reserve for future
/// credits, and anyone may deposit everything above that into the RewardRatePool:
///   reserve = budget − consumed              until reducedAfter + fullRateGrace
///           = ⌈0.7 × (budget − consumed)⌉    after that (30% of what is still unburnt can
///                                            never be claimed any more: it goes to node rewards)
///           = 0                              from creditsEnd (the program is over)
/// Full-rate credits (burns recorded by reducedAfter) are accepted only until
/// reducedAfter + fullRateGrace, which gives the bridge time to catch up before the 30% goes.
/// Credited amounts never expire.
contract OxenCoinClaims {
    /// @notice The program's budget: 30,000,000 SESH (9 decimals).
    uint256 public constant PROGRAM_TOTAL = 30_000_000 * 10 ** 9;

    IERC20 public immutable token;
    address public immutable rewardPool;
    /// @notice The only address that may credit burns.
    address public immutable bridge;
    /// @notice OXEN supply at TGE minus OPTF holdings, in atomic units.
    uint256 public immutable circulatingOxen;
    /// @notice Burns recorded after this time (TGE + 6 months) are credited at 0.7×.
    uint64 public immutable reducedAfter;
    /// @notice How long after reducedAfter full-rate credits are still accepted.
    uint64 public immutable fullRateGrace;
    /// @notice No credits from this time on; everything not owed can be swept.
    uint64 public immutable creditsEnd;

    /// @notice Sum of the full-rate shares of every credited burn (≤ PROGRAM_TOTAL).
    uint256 public consumed;
    /// @notice Credited and not yet claimed.
    uint256 public owed;
    /// @notice Total ever credited.
    uint256 public totalCredited;
    /// @notice Whether a burn transaction was credited (each burn is credited once).
    mapping(bytes32 burnTx => bool) public credited;
    /// @notice Credit waiting for each account.
    mapping(address account => uint256) public owedTo;

    error ZeroAddress();
    error BadSchedule(uint64 reducedAfter, uint64 fullRateGrace, uint64 creditsEnd);
    error ZeroCirculatingSupply();
    error NotBridge(address caller);
    error AlreadyCredited(bytes32 burnTx);
    error ZeroBurn(bytes32 burnTx);
    /// @notice The burn is too small to earn one base unit of SESH.
    error CreditRoundsToZero(bytes32 burnTx, uint256 oxenBurned);
    error RecordedInFuture(bytes32 burnTx, uint64 recordedAt, uint256 now_);
    error CreditsClosed(uint64 creditsEnd);
    error LateFullRateCredit(bytes32 burnTx, uint64 recordedAt, uint64 fullRateDeadline);
    error BudgetExceeded(uint256 consumedAfter, uint256 budget);
    error Underfunded(uint256 balance, uint256 required);
    error NothingToClaim(address account);
    error NothingToSweep();

    /// @notice Burn `burnTx` of `oxenBurned` credited `amount` to `account` (reduced = at 0.7×).
    event Credited(bytes32 indexed burnTx, address indexed account, uint256 oxenBurned, uint256 amount, bool reduced);
    /// @notice `account` received its credit `amount` (the transaction may come from anyone).
    event Claimed(address indexed account, uint256 amount);
    /// @notice `amount`, no longer claimable, went to the reward pool.
    event Swept(address indexed rewardPool, uint256 amount);

    constructor(
        IERC20 token_,
        address rewardPool_,
        address bridge_,
        uint256 circulatingOxen_,
        uint64 reducedAfter_,
        uint64 fullRateGrace_,
        uint64 creditsEnd_
    ) {
        if (address(token_) == address(0) || rewardPool_ == address(0) || bridge_ == address(0)) revert ZeroAddress();
        if (circulatingOxen_ == 0) revert ZeroCirculatingSupply();
        if (uint256(reducedAfter_) + fullRateGrace_ >= creditsEnd_) revert BadSchedule(reducedAfter_, fullRateGrace_, creditsEnd_);
        token = token_;
        rewardPool = rewardPool_;
        bridge = bridge_;
        circulatingOxen = circulatingOxen_;
        reducedAfter = reducedAfter_;
        fullRateGrace = fullRateGrace_;
        creditsEnd = creditsEnd_;
    }

    /// @notice The credit for burning `oxenBurned` recorded at `recordedAt`, and the full-rate
    /// share it consumes from the budget.
    function amountFor(uint256 oxenBurned, uint64 recordedAt) public view returns (uint256 amount, uint256 full) {
        full = (oxenBurned * PROGRAM_TOTAL) / circulatingOxen;
        amount = recordedAt > reducedAfter ? (full * 7) / 10 : full;
    }

    /// @notice Credits one verified burn to `account`. Bridge only; each `burnTx` once.
    /// @param burnTx Oxen burn transaction id
    /// @param account ETH address named in the burn
    /// @param oxenBurned OXEN burnt, atomic units (9 decimals)
    /// @param recordedAt when the burn was recorded on the Oxen chain (unix seconds)
    function credit(bytes32 burnTx, address account, uint256 oxenBurned, uint64 recordedAt) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        if (block.timestamp >= creditsEnd) revert CreditsClosed(creditsEnd);
        if (account == address(0)) revert ZeroAddress();
        if (oxenBurned == 0) revert ZeroBurn(burnTx);
        if (credited[burnTx]) revert AlreadyCredited(burnTx);
        if (recordedAt > block.timestamp) revert RecordedInFuture(burnTx, recordedAt, block.timestamp);
        uint64 fullRateDeadline = reducedAfter + fullRateGrace;
        if (recordedAt <= reducedAfter && block.timestamp > fullRateDeadline) {
            revert LateFullRateCredit(burnTx, recordedAt, fullRateDeadline);
        }
        (uint256 amount, uint256 full) = amountFor(oxenBurned, recordedAt);
        if (amount == 0) revert CreditRoundsToZero(burnTx, oxenBurned);
        uint256 consumedAfter = consumed + full;
        if (consumedAfter > PROGRAM_TOTAL) revert BudgetExceeded(consumedAfter, PROGRAM_TOTAL);
        uint256 owedAfter = owed + amount;
        uint256 balance = token.balanceOf(address(this));
        if (balance < owedAfter) revert Underfunded(balance, owedAfter);
        credited[burnTx] = true;
        consumed = consumedAfter;
        owed = owedAfter;
        totalCredited += amount;
        owedTo[account] += amount;
        emit Credited(burnTx, account, oxenBurned, amount, recordedAt > reducedAfter);
    }

    /// @notice Pays `account` everything credited to it. Anyone may call it.
    function claim(address account) external {
        uint256 amount = owedTo[account];
        if (amount == 0) revert NothingToClaim(account);
        owedTo[account] = 0;
        owed -= amount;
        emit Claimed(account, amount);
        SafeTransferLib.safeTransfer(address(token), account, amount);
    }

    /// @notice What must stay for credits still to come (see the sweep rule above).
    function reserve() public view returns (uint256) {
        if (block.timestamp >= creditsEnd) return 0;
        uint256 unburnt = PROGRAM_TOTAL - consumed;
        if (block.timestamp <= uint256(reducedAfter) + fullRateGrace) return unburnt;
        return (unburnt * 7 + 9) / 10; // rounded up: the reserve never falls short
    }

    /// @notice What {sweep} would deposit into the reward pool now.
    function sweepable() public view returns (uint256) {
        uint256 balance = token.balanceOf(address(this));
        uint256 keep = owed + reserve();
        return balance > keep ? balance - keep : 0;
    }

    /// @notice Deposits everything no longer claimable into the reward pool. Anyone may call it.
    function sweep() external {
        uint256 amount = sweepable();
        if (amount == 0) revert NothingToSweep();
        emit Swept(rewardPool, amount);
        SafeTransferLib.safeApprove(address(token), rewardPool, amount);
        IRewardPoolDeposits(rewardPool).deposit(amount);
    }
}
