// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable2Step, Ownable} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {FeePayer} from "../fees/FeePayer.sol";
import {FeeRouter} from "../fees/FeeRouter.sol";
import {NameRules} from "./NameRules.sol";
import {SessionNameRegistry} from "./SessionNameRegistry.sol";

/// @title SessionNameRegistrar
/// @notice Sells Session names for SESH by commit–reveal, and renews them for anyone.
/// 1. {commit} `makeCommitment(name, owner, accountId, secret)`; 2. after
/// {MIN_COMMITMENT_AGE} and before {MAX_COMMITMENT_AGE}, {register} with the same values.
/// The commitment binds the name, the owner, the account ID and a secret, so someone who
/// copies a reveal from the mempool has no matching commitment, and a fresh commitment of
/// theirs is too young to be used before the original reveal lands.
/// @dev Price per year by name length (1, 2, 3, 4, 5+ characters), set by the owner within
/// [{MIN_PRICE}, {MAX_PRICE}]. A released name carries a premium that decays linearly from
/// `premiumStart` to zero over {PREMIUM_PERIOD}. Every payment goes through the FeeRouter.
contract SessionNameRegistrar is FeePayer, Ownable2Step {
    uint256 public constant MIN_COMMITMENT_AGE = 60;
    uint256 public constant MAX_COMMITMENT_AGE = 24 hours;
    uint256 public constant TERM = 365 days;
    uint256 public constant MAX_YEARS = 10;
    uint256 public constant PREMIUM_PERIOD = 21 days;
    /// @notice Hard bounds on any yearly price (9 decimals): 1 SESH to 1,000,000 SESH.
    uint256 public constant MIN_PRICE = 1e9;
    uint256 public constant MAX_PRICE = 1_000_000e9;
    /// @notice Length buckets: index 0 = 1 character … index 4 = 5 or more.
    uint256 public constant PRICE_BUCKETS = 5;

    SessionNameRegistry public immutable registry;
    /// @notice Premium at the moment a name is released; decays to zero over {PREMIUM_PERIOD}.
    uint256 public immutable premiumStart;

    /// @notice Yearly price per length bucket, in SESH base units.
    uint256[5] public yearlyPrice;
    /// @notice When each commitment was made.
    mapping(bytes32 commitment => uint256 time) public commitments;

    error CommitmentUnexpired(bytes32 commitment, uint256 committedAt);
    error CommitmentNotFound(bytes32 commitment);
    error CommitmentTooNew(bytes32 commitment, uint256 usableAt);
    error CommitmentExpired(bytes32 commitment, uint256 expiredAt);
    error InvalidYears(uint256 years_);
    error PriceOutOfBounds(uint256 price, uint256 min, uint256 max);
    error InvalidBucket(uint256 bucket);
    /// @notice Shorter names must cost at least as much as longer ones: `price` for `bucket`
    /// would sit outside [next bucket's price, previous bucket's price].
    error PriceOrderViolated(uint256 bucket, uint256 price);
    /// @notice The name is released: register it instead of renewing.
    error NameNotRenewable(uint256 id);

    event Committed(bytes32 indexed commitment, uint256 time);
    event PriceSet(uint256 indexed bucket, uint256 yearlyPrice);
    event NamePaid(uint256 indexed id, address indexed payer, uint256 amount, uint256 premium);

    constructor(SessionNameRegistry registry_, FeeRouter feeRouter_, uint256[5] memory prices, uint256 premiumStart_)
        FeePayer(feeRouter_)
        Ownable(msg.sender)
    {
        registry = registry_;
        premiumStart = premiumStart_;
        for (uint256 i; i < PRICE_BUCKETS; ++i) {
            if (i > 0 && prices[i] > prices[i - 1]) revert PriceOrderViolated(i, prices[i]);
            _setPrice(i, prices[i]);
        }
    }

    /// @notice The commitment for registering `name` to `owner` pointing to `accountId`.
    /// The name is normalised first (reverts with NameRules.InvalidName if refused).
    function makeCommitment(string calldata name, address owner, bytes32 accountId, bytes32 secret)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(address(this), NameRules.normalise(name), owner, accountId, secret));
    }

    /// @notice Records a commitment. Refused while the same commitment is still unexpired.
    function commit(bytes32 commitment) external {
        uint256 committedAt = commitments[commitment];
        if (committedAt + MAX_COMMITMENT_AGE > block.timestamp) revert CommitmentUnexpired(commitment, committedAt);
        commitments[commitment] = block.timestamp;
        emit Committed(commitment, block.timestamp);
    }

    /// @notice Reveals a commitment and registers `name` for `years_` years; the caller pays.
    /// @param name the name (any case; normalised)
    /// @param owner receives the name's ERC-721 token
    /// @param accountId the Session account ID without its 05 prefix
    /// @param secret the secret used in the commitment
    /// @param years_ 1 to {MAX_YEARS}
    /// @param maxPrice the most the caller pays, premium included (SESH base units); refused
    /// with PriceAboveMax if the price is higher when the transaction runs
    function register(
        string calldata name,
        address owner,
        bytes32 accountId,
        bytes32 secret,
        uint256 years_,
        uint256 maxPrice
    ) external returns (uint256 id) {
        if (years_ == 0 || years_ > MAX_YEARS) revert InvalidYears(years_);
        bytes memory normalised = NameRules.normalise(name);
        bytes32 commitment = keccak256(abi.encode(address(this), normalised, owner, accountId, secret));
        _consume(commitment);
        id = registry.idOfNormalised(normalised);
        if (!registry.available(id)) {
            (SessionNameRegistry.Entry memory e,) = registry.entryOf(id);
            revert SessionNameRegistry.NameNotAvailable(id, e.expiry);
        }
        uint256 premium = premiumOf(id);
        uint256 amount = price(normalised.length, years_) + premium;
        _collect(msg.sender, amount, maxPrice, address(0), 0);
        emit NamePaid(id, msg.sender, amount, premium);
        registry.register(normalised, owner, accountId, uint64(block.timestamp + years_ * TERM));
    }

    /// @notice Extends `name` by `years_` years from its current expiry. Anyone may pay;
    /// works while the name is active or in its grace period. Refused with PriceAboveMax if
    /// the price exceeds `maxPrice` (SESH base units) when the transaction runs.
    function renew(string calldata name, uint256 years_, uint256 maxPrice) external returns (uint64 expiry) {
        if (years_ == 0 || years_ > MAX_YEARS) revert InvalidYears(years_);
        bytes memory normalised = NameRules.normalise(name);
        uint256 id = registry.idOfNormalised(normalised);
        (SessionNameRegistry.Entry memory e,) = registry.entryOf(id);
        if (e.expiry == 0 || registry.available(id)) revert NameNotRenewable(id);
        uint256 amount = price(normalised.length, years_);
        _collect(msg.sender, amount, maxPrice, address(0), 0);
        emit NamePaid(id, msg.sender, amount, 0);
        expiry = uint64(e.expiry + years_ * TERM);
        registry.renew(id, expiry);
    }

    /// @notice Price of `years_` years for a name of `length` characters (no premium).
    function price(uint256 length, uint256 years_) public view returns (uint256) {
        uint256 bucket = length >= PRICE_BUCKETS ? PRICE_BUCKETS - 1 : length - 1;
        return yearlyPrice[bucket] * years_;
    }

    /// @notice Total cost to register `name` now for `years_` years, premium included.
    function registrationPrice(string calldata name, uint256 years_) external view returns (uint256) {
        bytes memory normalised = NameRules.normalise(name);
        return price(normalised.length, years_) + premiumOf(registry.idOfNormalised(normalised));
    }

    /// @notice Premium on a recently released name: decays linearly to zero over 21 days.
    function premiumOf(uint256 id) public view returns (uint256) {
        (SessionNameRegistry.Entry memory e,) = registry.entryOf(id);
        if (e.expiry == 0) return 0;
        uint256 releasedAt = uint256(e.expiry) + registry.GRACE_PERIOD();
        if (block.timestamp < releasedAt || block.timestamp >= releasedAt + PREMIUM_PERIOD) return 0;
        return (premiumStart * (releasedAt + PREMIUM_PERIOD - block.timestamp)) / PREMIUM_PERIOD;
    }

    /// @notice Sets the yearly price of length bucket `bucket` (0 = 1 char … 4 = 5+ chars),
    /// within the hard bounds, keeping shorter names at least as dear as longer ones.
    /// Owner only; emits {PriceSet}.
    function setPrice(uint256 bucket, uint256 yearlyPrice_) external onlyOwner {
        _setPrice(bucket, yearlyPrice_); // bounds first; a refusal below undoes it
        if (bucket > 0 && yearlyPrice_ > yearlyPrice[bucket - 1]) revert PriceOrderViolated(bucket, yearlyPrice_);
        if (bucket + 1 < PRICE_BUCKETS && yearlyPrice_ < yearlyPrice[bucket + 1]) revert PriceOrderViolated(bucket, yearlyPrice_);
    }

    function _setPrice(uint256 bucket, uint256 yearlyPrice_) private {
        if (bucket >= PRICE_BUCKETS) revert InvalidBucket(bucket);
        if (yearlyPrice_ < MIN_PRICE || yearlyPrice_ > MAX_PRICE) revert PriceOutOfBounds(yearlyPrice_, MIN_PRICE, MAX_PRICE);
        yearlyPrice[bucket] = yearlyPrice_;
        emit PriceSet(bucket, yearlyPrice_);
    }

    function _consume(bytes32 commitment) private {
        uint256 committedAt = commitments[commitment];
        if (committedAt == 0) revert CommitmentNotFound(commitment);
        if (block.timestamp < committedAt + MIN_COMMITMENT_AGE) revert CommitmentTooNew(commitment, committedAt + MIN_COMMITMENT_AGE);
        if (block.timestamp >= committedAt + MAX_COMMITMENT_AGE) revert CommitmentExpired(commitment, committedAt + MAX_COMMITMENT_AGE);
        delete commitments[commitment];
    }
}
