// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {FeePayer} from "../fees/FeePayer.sol";
import {FeeRouter} from "../fees/FeeRouter.sol";

/// @title SessionPro
/// @notice Session Pro subscriptions, paid in SESH. Anyone can buy or extend a subscription
/// for any Session account ID; an extension counts from max(expiry, now). Authorised
/// processors (who take other currencies off-chain and pay here in SESH) may keep a fee of
/// at most {maxProcessorFeeBps} of the price, routed to them by the FeeRouter; the rest is
/// split 90/10 between the reward pool and protocol-owned liquidity.
/// @dev Roles: DEFAULT_ADMIN_ROLE sets tiers and the fee cap and grants/revokes PROCESSOR_ROLE
/// (OpenZeppelin AccessControl events). Account IDs are the 32 bytes after the 05 prefix.
contract SessionPro is FeePayer, AccessControl {
    bytes32 public constant PROCESSOR_ROLE = keccak256("PROCESSOR_ROLE");
    /// @notice Hard cap on the processor fee cap: 20%.
    uint256 public constant MAX_FEE_BPS_LIMIT = 2_000;
    uint256 public constant MAX_DURATION = 3 * 365 days;

    struct Tier {
        uint128 price; // SESH base units
        uint64 duration; // seconds
        bool active;
    }

    mapping(uint256 tierId => Tier) public tiers;
    mapping(bytes32 accountId => uint64 expiry) public expiryOf;
    /// @notice Largest processor fee, in basis points of the tier price.
    uint256 public maxProcessorFeeBps;

    error InvalidAccountId();
    error TierNotActive(uint256 tierId);
    error InvalidTier(uint256 price, uint256 duration);
    error ProcessorFeeTooHigh(uint256 fee, uint256 max);
    error FeeCapTooHigh(uint256 bps, uint256 limit);

    event TierSet(uint256 indexed tierId, uint256 price, uint256 duration, bool active);
    event MaxProcessorFeeSet(uint256 bps);
    /// @notice `payer` bought tier `tierId` for `accountId`, now active until `expiry`.
    event ProPurchased(
        bytes32 indexed accountId,
        uint256 indexed tierId,
        address indexed payer,
        uint256 price,
        uint256 processorFee,
        uint64 expiry
    );

    constructor(FeeRouter feeRouter_, address admin, uint256 maxProcessorFeeBps_) FeePayer(feeRouter_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setMaxFee(maxProcessorFeeBps_);
    }

    /// @notice Buys or extends Pro tier `tierId` for `accountId`; the caller pays the price.
    /// Refused with PriceAboveMax if the tier's price exceeds `maxPrice` (SESH base units)
    /// when the transaction runs, so a price raised in front of the buyer cannot be charged.
    function buy(bytes32 accountId, uint256 tierId, uint256 maxPrice) external returns (uint64) {
        return _buy(accountId, tierId, 0, maxPrice);
    }

    /// @notice Like {buy}, by an authorised processor, who keeps `processorFee` of the price.
    /// `maxPrice` bounds the whole price the processor pays, its fee included.
    function buyFor(bytes32 accountId, uint256 tierId, uint256 processorFee, uint256 maxPrice)
        external
        onlyRole(PROCESSOR_ROLE)
        returns (uint64)
    {
        return _buy(accountId, tierId, processorFee, maxPrice);
    }

    /// @notice Whether `accountId` has an active subscription now.
    function isActive(bytes32 accountId) external view returns (bool) {
        return block.timestamp < expiryOf[accountId];
    }

    /// @notice Sets (or deactivates) tier `tierId`. Admin only; emits {TierSet}.
    function setTier(uint256 tierId, uint128 price, uint64 duration, bool active) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (price == 0 || duration == 0 || duration > MAX_DURATION) revert InvalidTier(price, duration);
        tiers[tierId] = Tier(price, duration, active);
        emit TierSet(tierId, price, duration, active);
    }

    /// @notice Sets the processor fee cap (≤ {MAX_FEE_BPS_LIMIT}). Admin only.
    function setMaxProcessorFee(uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxFee(bps);
    }

    function _setMaxFee(uint256 bps) private {
        if (bps > MAX_FEE_BPS_LIMIT) revert FeeCapTooHigh(bps, MAX_FEE_BPS_LIMIT);
        maxProcessorFeeBps = bps;
        emit MaxProcessorFeeSet(bps);
    }

    function _buy(bytes32 accountId, uint256 tierId, uint256 processorFee, uint256 maxPrice)
        private
        returns (uint64 expiry)
    {
        if (accountId == bytes32(0)) revert InvalidAccountId();
        Tier memory tier = tiers[tierId];
        if (!tier.active) revert TierNotActive(tierId);
        uint256 maxFee = (uint256(tier.price) * maxProcessorFeeBps) / 10_000;
        if (processorFee > maxFee) revert ProcessorFeeTooHigh(processorFee, maxFee);
        uint256 current = expiryOf[accountId];
        uint256 from = current > block.timestamp ? current : block.timestamp;
        expiry = uint64(from + tier.duration);
        expiryOf[accountId] = expiry;
        emit ProPurchased(accountId, tierId, msg.sender, tier.price, processorFee, expiry);
        _collect(msg.sender, tier.price, maxPrice, processorFee == 0 ? address(0) : msg.sender, processorFee);
    }
}
