// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

/// @title RewardRatePool
/// @notice Holds the staking reward pool and releases exactly 14% of its balance per year,
/// continuously: after Δt seconds, `B · (1 − 0.86^(Δt / 365 days))` is releasable. Because
/// 0.86^a · 0.86^b = 0.86^(a+b), the amount released does not depend on how often anyone
/// calls {release} (the anchor paid simple interest and drifted unless poked daily).
/// @dev Rounding: every release rounds down, so any dust stays in the pool.
/// Deposits through {deposit} settle the pending release first, so new funds only start
/// releasing from the moment they arrive. Tokens sent by plain transfer are picked up by the
/// next release as if they had been there since the previous one.
contract RewardRatePool {
    using SafeERC20 for IERC20;

    uint256 private constant WAD = 1e18;
    /// @notice Length of the release year.
    uint256 public constant YEAR = 365 days;
    /// @notice Fraction of the balance retained after one year: 0.86 (WAD).
    uint256 public constant RETAINED_PER_YEAR_WAD = 0.86e18;

    /// @notice The SESH token held by the pool.
    IERC20 public immutable token;
    /// @notice May set the beneficiary, once. Holds no other power.
    address public immutable deployer;
    /// @notice ln(0.86) in WAD (negative), computed once with Solady's lnWad.
    int256 public immutable lnRetainedPerYearWad;

    /// @notice Receives every release: the staking rewards contract.
    address public beneficiary;
    /// @notice Time of the last release; zero until the beneficiary is set.
    uint64 public lastReleaseTime;
    /// @notice Total released to the beneficiary since the start.
    uint256 public totalReleased;

    error NotDeployer(address caller);
    error BeneficiaryAlreadySet(address beneficiary);
    error ZeroAddress();
    error NotStarted();
    error ZeroAmount();

    /// @notice The pool started releasing to `beneficiary`.
    event Started(address indexed beneficiary, uint64 time);
    /// @notice `amount` was released to the beneficiary; `balanceAfter` remains in the pool.
    event Released(address indexed beneficiary, uint256 amount, uint256 balanceAfter, uint64 time);
    /// @notice `from` deposited `amount` (fees), raising the balance and so the release.
    event Deposited(address indexed from, uint256 amount, uint256 balanceAfter);

    constructor(IERC20 token_) {
        if (address(token_) == address(0)) revert ZeroAddress();
        token = token_;
        deployer = msg.sender;
        lnRetainedPerYearWad = FixedPointMathLib.lnWad(int256(RETAINED_PER_YEAR_WAD));
    }

    /// @notice Sets the beneficiary and starts the release clock. Callable once, by the deployer.
    function start(address beneficiary_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (beneficiary != address(0)) revert BeneficiaryAlreadySet(beneficiary);
        if (beneficiary_ == address(0)) revert ZeroAddress();
        beneficiary = beneficiary_;
        lastReleaseTime = uint64(block.timestamp);
        emit Started(beneficiary_, uint64(block.timestamp));
    }

    /// @notice Releases everything releasable now to the beneficiary. Anyone may call it.
    /// @return amount the amount released
    function release() external returns (uint256 amount) {
        if (lastReleaseTime == 0) revert NotStarted();
        return _release();
    }

    /// @notice Adds `amount` SESH from the caller to the pool (needs an allowance). Pending
    /// release is settled first so the deposit only releases from now on.
    function deposit(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        if (lastReleaseTime != 0) _release();
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, amount, balance());
    }

    /// @notice SESH held by the pool.
    function balance() public view returns (uint256) {
        return token.balanceOf(address(this));
    }

    /// @notice Amount {release} would pay out now.
    function releasable() external view returns (uint256) {
        if (lastReleaseTime == 0) return 0;
        return releasableOver(balance(), block.timestamp - lastReleaseTime);
    }

    /// @notice `B · (1 − 0.86^(elapsed / YEAR))`, rounded down.
    /// @param balance_ pool balance B in base units
    /// @param elapsed seconds since the last release
    function releasableOver(uint256 balance_, uint256 elapsed) public view returns (uint256) {
        if (elapsed == 0 || balance_ == 0) return 0;
        // elapsed is bounded by block time, so the product cannot overflow int256.
        int256 retainedWad = FixedPointMathLib.expWad((lnRetainedPerYearWad * int256(elapsed)) / int256(YEAR));
        // Round the retained part up so the released part rounds down (favours the pool).
        uint256 retained = FixedPointMathLib.mulDivUp(balance_, uint256(retainedWad), WAD);
        return retained >= balance_ ? 0 : balance_ - retained;
    }

    /// @notice Instantaneous release rate, in base units per second: B · (−ln 0.86) / YEAR.
    function ratePerSecond() external view returns (uint256) {
        return (balance() * uint256(-lnRetainedPerYearWad)) / WAD / YEAR;
    }

    /// @notice What the next year releases at the current balance with no deposits: 14% of B.
    function ratePerYear() external view returns (uint256) {
        return (balance() * (WAD - RETAINED_PER_YEAR_WAD)) / WAD;
    }

    function _release() private returns (uint256 amount) {
        uint256 poolBalance = balance();
        amount = releasableOver(poolBalance, block.timestamp - lastReleaseTime);
        lastReleaseTime = uint64(block.timestamp);
        if (amount == 0) return 0;
        totalReleased += amount;
        address to = beneficiary;
        emit Released(to, amount, poolBalance - amount, uint64(block.timestamp));
        token.safeTransfer(to, amount);
    }
}
