// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @title BN254 (alt_bn128) arithmetic over the EVM precompiles, and hash-to-G1.
 * @notice Used for BLS signatures with SIGNATURES IN G1 and public keys in G1 and G2
 * (EigenLayer-style): hashing to G1 costs a few thousand gas, where hashing to G2 costs ~890k.
 *
 * Precompiles: 0x05 modexp, 0x06 ecAdd, 0x07 ecMul, 0x08 ecPairing (EIP-196/197/198).
 * The point at infinity is encoded as (0, 0), as the precompiles do.
 *
 * G2 encoding (EIP-197): an Fp2 element a + b·i is written IMAGINARY PART FIRST, so
 * `G2Point.x = [x_imag, x_real]`, `G2Point.y = [y_imag, y_real]`. The sdk's `g2ToSolidity`
 * produces exactly this order.
 *
 * hashToG1(digest), try-and-increment with a 512-bit reduction (spec, mirrored by the sdk):
 *   for counter = 0, 1, …, 255:
 *     h0 = keccak256(HASH_TO_G1_DST ‖ digest ‖ uint8(counter) ‖ uint8(0))   (66 bytes)
 *     h1 = keccak256(HASH_TO_G1_DST ‖ digest ‖ uint8(counter) ‖ uint8(1))
 *     x  = (h0·2^256 + h1) mod P       (statistically uniform in Fp: bias < 2^-258)
 *     y  = (x³ + 3)^((P+1)/4) mod P     (P ≡ 3 mod 4, so this is the square root if one exists)
 *     if y² ≡ x³ + 3: if (y mod 2) ≠ (h0 mod 2) then y = P − y; return (x, y)
 *   HASH_TO_G1_DST = keccak256("SESH.BN254.hashToG1.v1"), 32 bytes.
 * About half of all x are on the curve, so one hash costs ~2 tries on average; G1 has
 * cofactor 1, so every curve point is in the group. y is never 0 (no 2-torsion points).
 */
library BN254 {
    struct G1Point {
        uint256 x;
        uint256 y;
    }

    /// @dev EIP-197 order: x = [x_imag, x_real], y = [y_imag, y_real].
    struct G2Point {
        uint256[2] x;
        uint256[2] y;
    }

    /// @dev The base-field modulus (EIP-196).
    uint256 internal constant P = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @dev The group order (EIP-197).
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @dev The G2 generator (EIP-197), imaginary parts first.
    uint256 internal constant G2_X_IMAG = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 internal constant G2_X_REAL = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 internal constant G2_Y_IMAG = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 internal constant G2_Y_REAL = 8495653923123431417604973247489272438418190587263600148770280649306958101930;

    bytes32 internal constant HASH_TO_G1_DST = keccak256("SESH.BN254.hashToG1.v1");
    /// @dev 2^256 mod P, to reduce a 512-bit value h0·2^256 + h1 with mulmod/addmod
    /// (a literal so assembly can use it; the tests check it equals (2^256 − 1) % P + 1).
    uint256 internal constant TWO_256_MOD_P = 6350874878119819312338956282401532409788428879151445726012394534686998597021;
    /// @dev (P + 1) / 4: the square-root exponent for P ≡ 3 (mod 4) (checked by the tests).
    uint256 internal constant SQRT_EXPONENT = 5472060717959818805561601436314318772174077789324455915672259473661306552146;

    error EcAddFailed();
    error EcMulFailed();
    error PairingFailed();
    error ModExpFailed();
    error HashToCurveFailed();

    /// @notice The G1 generator (1, 2).
    function g1Generator() internal pure returns (G1Point memory) {
        return G1Point(1, 2);
    }

    /// @notice −G2gen, the fixed second argument of the signature pairing.
    function negG2Generator() internal pure returns (G2Point memory g) {
        g.x = [G2_X_IMAG, G2_X_REAL];
        g.y = [P - G2_Y_IMAG, P - G2_Y_REAL];
    }

    /// @notice a + b. Reverts EcAddFailed if either input is not a curve point.
    function add(G1Point memory a, G1Point memory b) internal view returns (G1Point memory r) {
        if (!_add(a, b, r)) revert EcAddFailed();
    }

    /// @notice acc += (x, y), in place (no memory allocation; for loops).
    function addInPlace(G1Point memory acc, uint256 x, uint256 y) internal view {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(acc))
            mstore(add(m, 0x20), mload(add(acc, 0x20)))
            mstore(add(m, 0x40), x)
            mstore(add(m, 0x60), y)
            ok := staticcall(gas(), 0x06, m, 0x80, acc, 0x40)
        }
        if (!ok) revert EcAddFailed();
    }

    /// @notice −p (the identity stays the identity).
    function negate(G1Point memory p) internal pure returns (G1Point memory) {
        if (p.x == 0 && p.y == 0) return G1Point(0, 0);
        return G1Point(p.x, P - (p.y % P));
    }

    /// @notice s·p. Reverts EcMulFailed if p is not a curve point.
    function scalarMul(G1Point memory p, uint256 s) internal view returns (G1Point memory r) {
        if (!_mul(p, s, r)) revert EcMulFailed();
    }

    /// @notice e(a1, b1) · e(a2, b2) == 1. Reverts PairingFailed on invalid points.
    function pairing2(G1Point memory a1, G2Point memory b1, G1Point memory a2, G2Point memory b2)
        internal
        view
        returns (bool)
    {
        (bool ok, bool result) = _pairing2(a1, b1, a2, b2);
        if (!ok) revert PairingFailed();
        return result;
    }

    /// @notice True if p is a point of G1 other than the identity (coordinates reduced, y² = x³ + 3).
    /// @dev (0, 0) is not on y² = x³ + 3, so the identity is rejected too; cofactor 1 means on-curve = in G1.
    function isOnCurveG1(G1Point memory p) internal pure returns (bool) {
        return isOnCurveG1(p.x, p.y);
    }

    /// @notice As above, for bare coordinates.
    function isOnCurveG1(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= P || y >= P) return false;
        return mulmod(y, y, P) == addmod(mulmod(mulmod(x, x, P), x, P), 3, P);
    }

    /// @notice The y with y² = x³ + 3 whose lowest bit is `parity`. Reverts ModExpFailed if x is
    /// not on the curve (callers only pass x of keys already checked).
    function yFromX(uint256 x, uint256 parity) internal view returns (uint256 y) {
        uint256 rhs = addmod(mulmod(mulmod(x, x, P), x, P), 3, P);
        y = _sqrtCandidate(rhs);
        if (mulmod(y, y, P) != rhs) revert ModExpFailed();
        if (y & 1 != parity) y = P - y;
    }

    /// @notice Hashes a 32-byte digest to a G1 point; see the file header for the exact spec.
    function hashToG1(bytes32 digest) internal view returns (G1Point memory p) {
        bytes32 dst = HASH_TO_G1_DST;
        for (uint256 counter; counter < 256; ++counter) {
            uint256 h0;
            uint256 h1;
            assembly ("memory-safe") {
                let m := mload(0x40)
                mstore(m, dst)
                mstore(add(m, 0x20), digest)
                mstore8(add(m, 0x40), counter)
                mstore8(add(m, 0x41), 0)
                h0 := keccak256(m, 0x42)
                mstore8(add(m, 0x41), 1)
                h1 := keccak256(m, 0x42)
            }
            uint256 x = addmod(mulmod(h0, TWO_256_MOD_P, P), h1, P);
            uint256 rhs = addmod(mulmod(mulmod(x, x, P), x, P), 3, P);
            uint256 y = _sqrtCandidate(rhs);
            if (mulmod(y, y, P) == rhs) {
                if (y & 1 != h0 & 1) y = P - y;
                p.x = x;
                p.y = y;
                return p;
            }
        }
        revert HashToCurveFailed(); // probability 2^-256
    }

    /**
     * @notice Checks the BLS signature `sigma` (G1) on the message point `h` (G1) for the key
     * whose G1 form is `apk1` and claimed G2 form is `apk2`, in ONE 2-pair pairing:
     *   gamma = keccak256(abi.encode(h, sigma, apk1, apk2)) mod R
     *   e(sigma + gamma·apk1, −G2gen) · e(h + gamma·G1gen, apk2) == 1
     * This holds only if sigma = sk·h, apk1 = sk·G1gen and apk2 = sk·G2gen for one sk (except
     * with negligible probability over gamma), so apk2 never needs to be stored.
     * @return valid False for a wrong signature or any invalid point (never reverts on bad input).
     */
    function verifySignature(G1Point memory h, G1Point memory sigma, G1Point memory apk1, G2Point memory apk2)
        internal
        view
        returns (bool valid)
    {
        uint256 gamma = uint256(keccak256(abi.encode(h, sigma, apk1, apk2))) % R;
        G1Point memory left;
        G1Point memory right;
        if (!_mul(apk1, gamma, left) || !_add(sigma, left, left)) return false;
        if (!_mul(g1Generator(), gamma, right) || !_add(h, right, right)) return false;
        (bool ok, bool result) = _pairing2(left, negG2Generator(), right, apk2);
        return ok && result;
    }

    function _add(G1Point memory a, G1Point memory b, G1Point memory out) private view returns (bool ok) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(a))
            mstore(add(m, 0x20), mload(add(a, 0x20)))
            mstore(add(m, 0x40), mload(b))
            mstore(add(m, 0x60), mload(add(b, 0x20)))
            ok := staticcall(gas(), 0x06, m, 0x80, out, 0x40)
        }
    }

    function _mul(G1Point memory p, uint256 s, G1Point memory out) private view returns (bool ok) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(p))
            mstore(add(m, 0x20), mload(add(p, 0x20)))
            mstore(add(m, 0x40), s)
            ok := staticcall(gas(), 0x07, m, 0x60, out, 0x40)
        }
    }

    function _pairing2(G1Point memory a1, G2Point memory b1, G1Point memory a2, G2Point memory b2)
        private
        view
        returns (bool ok, bool result)
    {
        assembly ("memory-safe") {
            // A memory G2Point holds pointers to its two uint256[2] arrays.
            function putG2(dst, g) {
                let gx := mload(g)
                let gy := mload(add(g, 0x20))
                mstore(dst, mload(gx))
                mstore(add(dst, 0x20), mload(add(gx, 0x20)))
                mstore(add(dst, 0x40), mload(gy))
                mstore(add(dst, 0x60), mload(add(gy, 0x20)))
            }
            let m := mload(0x40)
            mstore(m, mload(a1))
            mstore(add(m, 0x20), mload(add(a1, 0x20)))
            putG2(add(m, 0x40), b1)
            mstore(add(m, 0xc0), mload(a2))
            mstore(add(m, 0xe0), mload(add(a2, 0x20)))
            putG2(add(m, 0x100), b2)
            ok := staticcall(gas(), 0x08, m, 0x180, m, 0x20)
            result := and(ok, eq(mload(m), 1))
        }
    }

    /// @dev rhs^((P+1)/4) mod P via modexp; the caller checks whether it squares back to rhs.
    function _sqrtCandidate(uint256 rhs) private view returns (uint256 y) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 0x20)
            mstore(add(m, 0x20), 0x20)
            mstore(add(m, 0x40), 0x20)
            mstore(add(m, 0x60), rhs)
            mstore(add(m, 0x80), SQRT_EXPONENT)
            mstore(add(m, 0xa0), P)
            ok := staticcall(gas(), 0x05, m, 0xc0, m, 0x20)
            y := mload(m)
        }
        if (!ok) revert ModExpFailed();
    }
}
