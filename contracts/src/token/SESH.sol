// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title Session Token (SESH)
/// @notice Fixed-supply ERC-20 with EIP-2612 permit. The whole supply is minted once, in the
/// constructor, to a genesis allocation; there is no mint function, so no SESH is ever
/// created after genesis (DESIGN.md §4, rule 1).
contract SESH is ERC20, ERC20Permit {
    /// @notice 240,000,000 SESH at 9 decimals.
    uint256 public constant TOTAL_SUPPLY = 240_000_000 * 10 ** 9;

    /// @notice The genesis allocation has a different number of holders and amounts.
    error AllocationLengthMismatch(uint256 holders, uint256 amounts);
    /// @notice The genesis allocation does not add up to exactly TOTAL_SUPPLY.
    error AllocationTotalMismatch(uint256 allocated, uint256 required);

    /// @notice Emitted once per genesis holder.
    event GenesisAllocation(address indexed holder, uint256 amount);

    /// @param holders genesis holders (reward pool, treasury, program distributors, ...)
    /// @param amounts amount for each holder, in base units; they must sum to TOTAL_SUPPLY
    constructor(address[] memory holders, uint256[] memory amounts)
        ERC20("Session Token", "SESH")
        ERC20Permit("Session Token")
    {
        if (holders.length != amounts.length) revert AllocationLengthMismatch(holders.length, amounts.length);
        uint256 allocated;
        for (uint256 i; i < holders.length; ++i) {
            _mint(holders[i], amounts[i]);
            allocated += amounts[i];
            emit GenesisAllocation(holders[i], amounts[i]);
        }
        if (allocated != TOTAL_SUPPLY) revert AllocationTotalMismatch(allocated, TOTAL_SUPPLY);
    }

    /// @notice SESH uses 9 decimals, like OXEN before it.
    function decimals() public pure override returns (uint8) {
        return 9;
    }
}
