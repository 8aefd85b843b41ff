// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "../BN254.sol";

/**
 * @title TEST HARNESS ONLY: exposes the BN254 library so tests and the gas bench can call it.
 * Never deployed with the system.
 */
contract BN254Harness {
    event Hashed(uint256 x, uint256 y);

    function constants() external pure returns (uint256 p, uint256 r, uint256 twoPow256ModP, uint256 sqrtExponent) {
        return (BN254.P, BN254.R, BN254.TWO_256_MOD_P, BN254.SQRT_EXPONENT);
    }

    function negG2Generator() external pure returns (BN254.G2Point memory) {
        return BN254.negG2Generator();
    }

    function hashToG1(bytes32 digest) external view returns (BN254.G1Point memory) {
        return BN254.hashToG1(digest);
    }

    /// @notice A transaction that hashes `digest`, for gas measurement.
    function hashToG1Tx(bytes32 digest) external {
        BN254.G1Point memory p = BN254.hashToG1(digest);
        emit Hashed(p.x, p.y);
    }

    /// @notice The same transaction shape without the hash: its gas is subtracted from hashToG1Tx's.
    function baselineTx(bytes32 digest) external {
        emit Hashed(uint256(digest) % BN254.P, uint256(digest) % BN254.P);
    }

    function add(BN254.G1Point memory a, BN254.G1Point memory b) external view returns (BN254.G1Point memory) {
        return BN254.add(a, b);
    }

    function negate(BN254.G1Point memory p) external pure returns (BN254.G1Point memory) {
        return BN254.negate(p);
    }

    function scalarMul(BN254.G1Point memory p, uint256 s) external view returns (BN254.G1Point memory) {
        return BN254.scalarMul(p, s);
    }

    function pairing2(BN254.G1Point memory a1, BN254.G2Point memory b1, BN254.G1Point memory a2, BN254.G2Point memory b2)
        external
        view
        returns (bool)
    {
        return BN254.pairing2(a1, b1, a2, b2);
    }

    function isOnCurveG1(BN254.G1Point memory p) external pure returns (bool) {
        return BN254.isOnCurveG1(p);
    }

    function yFromX(uint256 x, uint256 parity) external view returns (uint256) {
        return BN254.yFromX(x, parity);
    }

    function verifySignature(BN254.G1Point memory h, BN254.G1Point memory sigma, BN254.G1Point memory apk1, BN254.G2Point memory apk2)
        external
        view
        returns (bool)
    {
        return BN254.verifySignature(h, sigma, apk1, apk2);
    }
}
