// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

interface IRewardPoolDeposit {
    function deposit(uint256 amount) external;
}

/// @title FeeRouter
/// @notice Splits every SESH payment for a name or for Session Pro: the processor's fee (if
/// any) to the processor; of the rest, 10% (rounded down) to protocol-owned liquidity and
/// everything else — 90% plus any rounding remainder — into the reward pool through
/// `RewardRatePool.deposit`, which raises the pool's release. Exact in integers:
/// amount = processorFee + toPool + toLiquidity, always.
/// @dev Permissionless: it pulls `amount` from the caller (who must have approved it), so a
/// caller can only route its own tokens. No admin, no stored balance between calls.
contract FeeRouter {
    using SafeERC20 for IERC20;

    /// @notice Share of the rest (after the processor fee) sent to liquidity, in percent.
    uint256 public constant LIQUIDITY_PERCENT = 10;

    /// @notice The SESH token.
    IERC20 public immutable token;
    /// @notice The reward pool that receives 90% (plus rounding dust).
    IRewardPoolDeposit public immutable rewardPool;
    /// @notice The protocol-owned-liquidity address that receives 10%.
    address public immutable liquidity;

    error ZeroAddress();
    error ZeroAmount();
    /// @notice The processor fee exceeds the amount paid.
    error FeeExceedsAmount(uint256 fee, uint256 amount);
    /// @notice A fee was given without a processor to receive it.
    error FeeWithoutProcessor(uint256 fee);

    /// @notice `payer` routed `amount`: `processorFee` to `processor`, `toPool` to the reward
    /// pool and `toLiquidity` to protocol-owned liquidity.
    event FeeRouted(
        address indexed payer, address indexed processor, uint256 amount, uint256 processorFee, uint256 toPool, uint256 toLiquidity
    );

    constructor(IERC20 token_, IRewardPoolDeposit rewardPool_, address liquidity_) {
        if (address(token_) == address(0) || address(rewardPool_) == address(0) || liquidity_ == address(0)) revert ZeroAddress();
        token = token_;
        rewardPool = rewardPool_;
        liquidity = liquidity_;
        token_.forceApprove(address(rewardPool_), type(uint256).max);
    }

    /// @notice The split of `amount` with `processorFee` to the processor (pure; rounding
    /// favours the pool).
    function split(uint256 amount, uint256 processorFee) public pure returns (uint256 toPool, uint256 toLiquidity) {
        if (processorFee > amount) revert FeeExceedsAmount(processorFee, amount);
        uint256 rest = amount - processorFee;
        toLiquidity = (rest * LIQUIDITY_PERCENT) / 100;
        toPool = rest - toLiquidity;
    }

    /// @notice Pulls `amount` SESH from the caller and routes it: `processorFee` to
    /// `processor`, the rest 90/10 to the reward pool and liquidity.
    /// @param amount total paid, in base units (the caller must have approved this router)
    /// @param processor receives `processorFee`; zero when there is no processor
    /// @param processorFee the processor's part of `amount`
    function route(uint256 amount, address processor, uint256 processorFee)
        external
        returns (uint256 toPool, uint256 toLiquidity)
    {
        if (amount == 0) revert ZeroAmount();
        if (processor == address(0) && processorFee != 0) revert FeeWithoutProcessor(processorFee);
        (toPool, toLiquidity) = split(amount, processorFee);
        emit FeeRouted(msg.sender, processor, amount, processorFee, toPool, toLiquidity);
        token.safeTransferFrom(msg.sender, address(this), amount);
        if (processorFee != 0) token.safeTransfer(processor, processorFee);
        if (toLiquidity != 0) token.safeTransfer(liquidity, toLiquidity);
        if (toPool != 0) rewardPool.deposit(toPool);
    }
}
