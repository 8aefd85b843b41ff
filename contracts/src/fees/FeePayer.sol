// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {FeeRouter} from "./FeeRouter.sol";

/// @title FeePayer
/// @notice Shared payment step of the name registrar and Session Pro: checks the price
/// against the most the payer agreed to pay (so a price raised in front of a buyer with a
/// large allowance is refused), then the payer's balance and allowance (a clear error
/// instead of an ERC-20 revert), pulls the payment and hands it to the FeeRouter for the
/// 90/10 split.
abstract contract FeePayer {
    using SafeERC20 for IERC20;

    /// @notice The SESH token.
    IERC20 public immutable token;
    /// @notice Where every payment is split.
    FeeRouter public immutable feeRouter;

    /// @notice The purchase costs `price` SESH base units, above the `maxPrice` the caller agreed to.
    error PriceAboveMax(uint256 price, uint256 maxPrice);
    /// @notice The payer holds `balance` SESH but `required` are needed.
    error InsufficientBalance(address payer, uint256 balance, uint256 required);
    /// @notice The payer approved `allowance` SESH to this contract but `required` are needed.
    error InsufficientAllowance(address payer, uint256 allowance, uint256 required);

    constructor(FeeRouter feeRouter_) {
        feeRouter = feeRouter_;
        token = feeRouter_.token();
        token.forceApprove(address(feeRouter_), type(uint256).max);
    }

    /// @dev Collects `amount` from `payer` and routes it; `processorFee` of it goes to `processor`.
    /// Refused if `amount` exceeds `maxPrice`, the caller's own limit for the whole purchase.
    function _collect(address payer, uint256 amount, uint256 maxPrice, address processor, uint256 processorFee) internal {
        if (amount > maxPrice) revert PriceAboveMax(amount, maxPrice);
        uint256 balance = token.balanceOf(payer);
        if (balance < amount) revert InsufficientBalance(payer, balance, amount);
        uint256 allowance = token.allowance(payer, address(this));
        if (allowance < amount) revert InsufficientAllowance(payer, allowance, amount);
        token.safeTransferFrom(payer, address(this), amount);
        feeRouter.route(amount, processor, processorFee);
    }
}
