// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice The two calls of Arbitrum's L1CustomGateway and L1GatewayRouter a custom token makes
/// to register itself (signatures as in OffchainLabs/token-bridge-contracts).
interface IL1CustomGatewayRegistration {
    function registerTokenToL2(
        address l2Address,
        uint256 maxGas,
        uint256 gasPriceBid,
        uint256 maxSubmissionCost,
        address creditBackAddress
    ) external payable returns (uint256);
}

interface IL1GatewayRouterRegistration {
    function setGateway(
        address gateway,
        uint256 maxGas,
        uint256 gasPriceBid,
        uint256 maxSubmissionCost,
        address creditBackAddress
    ) external payable returns (uint256);
}
