// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

/// @notice The part of the reward pool the distributor sweeps into.
interface IRewardPoolDeposit {
    function deposit(uint256 amount) external;
}

/// @title MerkleDistributor
/// @notice Pays one launch program (Service Node Bonus, Testnet Incentive Program) from a
/// Merkle root. Leaves are OpenZeppelin StandardMerkleTree leaves of
/// `(uint256 index, address account, uint256 amount)`: keccak256(bytes.concat(keccak256(abi.encode(...)))).
/// A bitmap indexed by `index` records what is claimed.
///
/// Life cycle: deployed with the root and the tree's total → funded by a plain transfer →
/// {open} (anyone; refuses unless balance ≥ total) starts the claim window → claims → after
/// the window, {sweep} (anyone) deposits whatever is left into the RewardRatePool.
/// @dev The sweep uses the pool's `deposit`, not a transfer: `deposit` settles the pool's
/// pending release first, so swept tokens only start releasing from the sweep. A plain
/// transfer would be released as if it had been in the pool since the last release.
/// No admin: nothing but a valid proof moves tokens before the window ends, and after it
/// tokens can only go to the pool.
contract MerkleDistributor {
    /// @notice The token paid out (SESH).
    IERC20 public immutable token;
    /// @notice Receives the unclaimed remainder after the window.
    address public immutable rewardPool;
    /// @notice Root of the StandardMerkleTree of (index, account, amount).
    bytes32 public immutable merkleRoot;
    /// @notice Sum of every leaf's amount: the balance {open} requires.
    uint256 public immutable total;
    /// @notice Length of the claim window, counted from {open}.
    uint64 public immutable claimWindow;

    /// @notice End of the claim window; zero until {open}.
    uint64 public claimEnd;
    /// @notice Total claimed so far (packed with claimEnd: one slot read and written per claim).
    uint192 public totalClaimed;
    mapping(uint256 wordIndex => uint256 bits) private claimedBitmap;

    error ZeroAddress();
    error ZeroWindow();
    error AlreadyOpen(uint64 claimEnd);
    /// @notice Claims cannot open before the contract holds the tree's total.
    error Underfunded(uint256 balance, uint256 required);
    error NotOpen();
    error ClaimWindowClosed(uint64 claimEnd);
    error ClaimWindowStillOpen(uint64 claimEnd);
    error AlreadyClaimed(uint256 index);
    error InvalidProof(uint256 index, address account, uint256 amount);
    error NothingToSweep();

    /// @notice Claims opened, funded with `balance`, until `claimEnd`.
    event Opened(uint256 balance, uint64 claimEnd);
    /// @notice Leaf `index` paid `amount` to `account` (the transaction may come from anyone).
    event Claimed(uint256 indexed index, address indexed account, uint256 amount);
    /// @notice After the window, `amount` went to the reward pool.
    event Swept(address indexed rewardPool, uint256 amount);

    /// @param token_ the token paid out
    /// @param rewardPool_ RewardRatePool that receives the unclaimed remainder
    /// @param merkleRoot_ root of the StandardMerkleTree of (uint256 index, address account, uint256 amount)
    /// @param total_ sum of all leaf amounts
    /// @param claimWindow_ seconds from {open} to the end of claims
    constructor(IERC20 token_, address rewardPool_, bytes32 merkleRoot_, uint256 total_, uint64 claimWindow_) {
        if (address(token_) == address(0) || rewardPool_ == address(0)) revert ZeroAddress();
        if (claimWindow_ == 0) revert ZeroWindow();
        token = token_;
        rewardPool = rewardPool_;
        merkleRoot = merkleRoot_;
        total = total_;
        claimWindow = claimWindow_;
    }

    /// @notice Opens claims for `claimWindow` seconds. Anyone may call it, once, and only when
    /// the contract holds at least `total`.
    function open() external {
        if (claimEnd != 0) revert AlreadyOpen(claimEnd);
        uint256 balance = token.balanceOf(address(this));
        if (balance < total) revert Underfunded(balance, total);
        uint64 end = uint64(block.timestamp) + claimWindow;
        claimEnd = end;
        emit Opened(balance, end);
    }

    /// @notice Whether leaf `index` was claimed.
    function isClaimed(uint256 index) public view returns (bool) {
        return claimedBitmap[index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @notice Pays leaf (`index`, `account`, `amount`) to `account`. Anyone may submit it;
    /// the tokens always go to `account`.
    /// @param proof sibling hashes from the StandardMerkleTree (`getProof`)
    function claim(uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        uint64 end = claimEnd;
        if (end == 0) revert NotOpen();
        if (block.timestamp >= end) revert ClaimWindowClosed(end);
        uint256 word = index >> 8;
        uint256 bit = 1 << (index & 0xff);
        uint256 bits = claimedBitmap[word];
        if (bits & bit != 0) revert AlreadyClaimed(index);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, leaf)) revert InvalidProof(index, account, amount);
        claimedBitmap[word] = bits | bit;
        unchecked {
            totalClaimed += uint192(amount); // bounded by the funded total, far below 2^192
        }
        emit Claimed(index, account, amount);
        SafeTransferLib.safeTransfer(address(token), account, amount);
    }

    /// @notice After the window, deposits everything left into the reward pool. Anyone may call it.
    function sweep() external {
        uint64 end = claimEnd;
        if (end == 0) revert NotOpen();
        if (block.timestamp < end) revert ClaimWindowStillOpen(end);
        uint256 amount = token.balanceOf(address(this));
        if (amount == 0) revert NothingToSweep();
        emit Swept(rewardPool, amount);
        SafeTransferLib.safeApprove(address(token), rewardPool, amount);
        IRewardPoolDeposit(rewardPool).deposit(amount);
    }
}
