// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title Session Token on Arbitrum (SESH, L2 side of Arbitrum's custom gateway)
/// @notice Arbitrum's IArbToken: supply exists only as deposits bridged from SeshL1; the L2
/// custom gateway alone mints on deposit and burns on withdrawal.
contract SeshL2 is ERC20, ERC20Permit {
    /// @notice The L2 custom gateway, the only minter and burner.
    address public immutable l2Gateway;
    /// @notice SeshL1 on Ethereum (IArbToken.l1Address).
    address public immutable l1Address;

    error ZeroAddress();
    error NotGateway(address caller);

    constructor(address l2Gateway_, address l1Address_) ERC20("Session Token", "SESH") ERC20Permit("Session Token") {
        if (l2Gateway_ == address(0) || l1Address_ == address(0)) revert ZeroAddress();
        l2Gateway = l2Gateway_;
        l1Address = l1Address_;
    }

    modifier onlyGateway() {
        if (msg.sender != l2Gateway) revert NotGateway(msg.sender);
        _;
    }

    function decimals() public pure override returns (uint8) {
        return 9;
    }

    function bridgeMint(address account, uint256 amount) external onlyGateway {
        _mint(account, amount);
    }

    function bridgeBurn(address account, uint256 amount) external onlyGateway {
        _burn(account, amount);
    }
}
