// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IL1CustomGatewayRegistration, IL1GatewayRouterRegistration} from "./IArbitrumGateways.sol";

/// @title Session Token on Ethereum (SESH, L1 side of Arbitrum's custom gateway)
/// @notice Fixed supply minted once at construction; no mint, no admin over balances.
/// Implements Arbitrum's ICustomToken: the token registers its L2 counterpart with the L1
/// custom gateway and the gateway router itself, once, as TestCustomTokenL1 does.
contract SeshL1 is ERC20, ERC20Permit {
    /// @notice 240,000,000 SESH at 9 decimals.
    uint256 public constant TOTAL_SUPPLY = 240_000_000 * 10 ** 9;
    /// @notice What Arbitrum's gateways expect from isArbitrumEnabled while registering.
    uint8 private constant ARBITRUM_ENABLED = 0xb1;

    address public immutable gateway;
    address public immutable router;
    /// @notice The one account allowed to make the one registration call.
    address public immutable registrar;

    bool public registered;
    bool private registering;

    error ZeroAddress();
    error NotRegistrar(address caller);
    error AlreadyRegistered();
    error ValueMismatch(uint256 sent, uint256 required);

    constructor(address holder, address gateway_, address router_, address registrar_)
        ERC20("Session Token", "SESH")
        ERC20Permit("Session Token")
    {
        if (holder == address(0) || gateway_ == address(0) || router_ == address(0) || registrar_ == address(0)) {
            revert ZeroAddress();
        }
        gateway = gateway_;
        router = router_;
        registrar = registrar_;
        _mint(holder, TOTAL_SUPPLY);
    }

    function decimals() public pure override returns (uint8) {
        return 9;
    }

    /// @notice 0xb1 only inside registerTokenOnL2: the gateway and router call back to check
    /// that the token itself asked for the registration.
    function isArbitrumEnabled() external view returns (uint8) {
        return registering ? ARBITRUM_ENABLED : 0;
    }

    /// @notice Registers `l2CustomTokenAddress` with the L1 custom gateway, then this gateway
    /// with the router; both send retryables to L2, paid by msg.value (passed through exactly).
    function registerTokenOnL2(
        address l2CustomTokenAddress,
        uint256 maxSubmissionCostForCustomGateway,
        uint256 maxSubmissionCostForRouter,
        uint256 maxGasForCustomGateway,
        uint256 maxGasForRouter,
        uint256 gasPriceBid,
        uint256 valueForGateway,
        uint256 valueForRouter,
        address creditBackAddress
    ) external payable {
        if (msg.sender != registrar) revert NotRegistrar(msg.sender);
        if (registered) revert AlreadyRegistered();
        if (l2CustomTokenAddress == address(0) || creditBackAddress == address(0)) revert ZeroAddress();
        if (msg.value != valueForGateway + valueForRouter) {
            revert ValueMismatch(msg.value, valueForGateway + valueForRouter);
        }
        registered = true;
        registering = true;
        IL1CustomGatewayRegistration(gateway).registerTokenToL2{value: valueForGateway}(
            l2CustomTokenAddress, maxGasForCustomGateway, gasPriceBid, maxSubmissionCostForCustomGateway, creditBackAddress
        );
        IL1GatewayRouterRegistration(router).setGateway{value: valueForRouter}(
            gateway, maxGasForRouter, gasPriceBid, maxSubmissionCostForRouter, creditBackAddress
        );
        registering = false;
    }
}
