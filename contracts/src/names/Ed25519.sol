// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Sha512} from "./Sha512.sol";

/// @title Ed25519
/// @notice RFC 8032 ed25519 signature verification of a 32-byte message, on-chain.
/// Checks the cofactorless equation [S]B = R + [k]A with k = SHA-512(R ‖ A ‖ M) mod L:
/// it computes [S]B + [k](−A), encodes it and compares the bytes with R. Rejects S ≥ L
/// (malleability) and public keys that are not valid curve points.
/// @dev Points in extended twisted-Edwards coordinates (X, Y, Z, T), a = −1, using the
/// complete add-2008-hwcd / dbl-2008-hwcd formulas; one double-scalar loop (Shamir's trick).
/// Constants were generated from the ed25519 parameters of noble-curves, not hand-typed.
/// Costs roughly 1M gas: meant for one-off migration claims, not hot paths.
library Ed25519 {
    uint256 private constant P = 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed;
    uint256 private constant L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed;
    uint256 private constant D = 0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3;
    uint256 private constant SQRT_M1 = 0x2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0;
    uint256 private constant BX = 0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a;
    uint256 private constant BY = 0x6666666666666666666666666666666666666666666666666666666666666658;

    /// @notice True iff `signature` (r ‖ s, 64 bytes as two words) by `publicKey` over the
    /// 32 message bytes `message` is valid. All inputs are in RFC 8032 byte order.
    function verify(bytes32 publicKey, bytes32 message, bytes32 r, bytes32 s) internal view returns (bool) {
        uint256 sScalar = _reverse(uint256(s));
        if (sScalar >= L) return false;
        (bool ok, uint256 ax, uint256 ay) = _decompress(publicKey);
        if (!ok) return false;
        (bytes32 h0, bytes32 h1) = Sha512.hash96(r, publicKey, message);
        // The 64-byte digest is a little-endian integer: h0 holds the low 256 bits.
        uint256 k = addmod(mulmod(_reverse(uint256(h1)), _twoPow256ModL(), L), _reverse(uint256(h0)) % L, L);

        uint256[4] memory b = [BX, BY, 1, mulmod(BX, BY, P)];
        uint256 nax = P - ax; // −A = (−x, y)
        uint256[4] memory na = [nax, ay, 1, mulmod(nax, ay, P)];
        uint256[4] memory both = [b[0], b[1], b[2], b[3]];
        _add(both, na);
        uint256[4] memory acc = [uint256(0), 1, 1, 0]; // identity
        for (uint256 i = 253; ; ) {
            _double(acc);
            uint256 bitS = (sScalar >> i) & 1;
            uint256 bitK = (k >> i) & 1;
            if (bitS == 1 && bitK == 1) _add(acc, both);
            else if (bitS == 1) _add(acc, b);
            else if (bitK == 1) _add(acc, na);
            if (i == 0) break;
            unchecked {
                --i;
            }
        }
        return _encode(acc) == uint256(r);
    }

    /// @notice The X25519 (Montgomery u) public key of ed25519 key `publicKey`, as 32
    /// little-endian bytes: u = (1 + y) / (1 − y). Session account IDs are `05` ‖ this key.
    /// Returns zero for an encoding with y ≥ p or y = 1.
    function toX25519(bytes32 publicKey) internal view returns (bytes32) {
        uint256 y = _reverse(uint256(publicKey)) & ((1 << 255) - 1);
        if (y >= P || y == 1) return bytes32(0);
        uint256 u = mulmod(addmod(1, y, P), _modExp(addmod(1, P - y, P), P - 2), P);
        return bytes32(_reverse(u));
    }

    /// @dev 2^256 mod L, computed rather than typed.
    function _twoPow256ModL() private pure returns (uint256) {
        return addmod(type(uint256).max % L, 1, L);
    }

    function _add(uint256[4] memory p1, uint256[4] memory p2) private pure {
        uint256 a = mulmod(p1[0], p2[0], P);
        uint256 b = mulmod(p1[1], p2[1], P);
        uint256 c = mulmod(mulmod(p1[3], D, P), p2[3], P);
        uint256 d = mulmod(p1[2], p2[2], P);
        uint256 e;
        unchecked {
            // 2P − a − b fits in 256 bits because P < 2^255.
            e = addmod(mulmod(addmod(p1[0], p1[1], P), addmod(p2[0], p2[1], P), P), 2 * P - a - b, P);
        }
        uint256 f = addmod(d, P - c, P);
        uint256 g = addmod(d, c, P);
        uint256 h = addmod(b, a, P); // B − a·A with a = −1
        p1[0] = mulmod(e, f, P);
        p1[1] = mulmod(g, h, P);
        p1[2] = mulmod(f, g, P);
        p1[3] = mulmod(e, h, P);
    }

    function _double(uint256[4] memory p1) private pure {
        uint256 x = p1[0];
        uint256 y = p1[1];
        uint256 a = mulmod(x, x, P);
        uint256 b = mulmod(y, y, P);
        uint256 c = mulmod(2, mulmod(p1[2], p1[2], P), P);
        uint256 d = P - a; // a·A with a = −1
        uint256 xy = addmod(x, y, P);
        uint256 e;
        unchecked {
            e = addmod(mulmod(xy, xy, P), 2 * P - a - b, P);
        }
        uint256 g = addmod(d, b, P);
        uint256 f = addmod(g, P - c, P);
        uint256 h = addmod(d, P - b, P);
        p1[0] = mulmod(e, f, P);
        p1[1] = mulmod(g, h, P);
        p1[2] = mulmod(f, g, P);
        p1[3] = mulmod(e, h, P);
    }

    /// @dev Affine (x, y) to the 32-byte RFC 8032 encoding, as a big-endian word.
    function _encode(uint256[4] memory p1) private view returns (uint256) {
        uint256 zInv = _modExp(p1[2], P - 2);
        uint256 x = mulmod(p1[0], zInv, P);
        uint256 y = mulmod(p1[1], zInv, P);
        return _reverse(y | ((x & 1) << 255));
    }

    /// @dev RFC 8032 §5.1.3 point decoding.
    function _decompress(bytes32 encoded) private view returns (bool ok, uint256 x, uint256 y) {
        uint256 v = _reverse(uint256(encoded));
        uint256 sign = v >> 255;
        y = v & ((1 << 255) - 1);
        if (y >= P) return (false, 0, 0);
        uint256 yy = mulmod(y, y, P);
        uint256 u = addmod(yy, P - 1, P);
        uint256 w = addmod(mulmod(D, yy, P), 1, P);
        uint256 w3 = mulmod(mulmod(w, w, P), w, P);
        uint256 w7 = mulmod(mulmod(w3, w3, P), w, P);
        x = mulmod(mulmod(u, w3, P), _modExp(mulmod(u, w7, P), (P - 5) / 8), P);
        uint256 wx2 = mulmod(w, mulmod(x, x, P), P);
        if (wx2 != u) {
            if (wx2 != (P - u) % P) return (false, 0, 0);
            x = mulmod(x, SQRT_M1, P);
        }
        if (x == 0 && sign == 1) return (false, 0, 0);
        if (x & 1 != sign) x = P - x;
        return (true, x, y);
    }

    /// @dev base^exponent mod P through the modexp precompile (0x05).
    function _modExp(uint256 base, uint256 exponent) private view returns (uint256 result) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0x20)
            mstore(add(ptr, 0x20), 0x20)
            mstore(add(ptr, 0x40), 0x20)
            mstore(add(ptr, 0x60), base)
            mstore(add(ptr, 0x80), exponent)
            mstore(add(ptr, 0xa0), P)
            if iszero(staticcall(gas(), 0x05, ptr, 0xc0, ptr, 0x20)) { revert(0, 0) }
            result := mload(ptr)
        }
    }

    /// @dev Reverses the byte order of a word (RFC 8032 encodings are little-endian).
    function _reverse(uint256 v) private pure returns (uint256) {
        v = ((v >> 8) & 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff)
            | ((v & 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff) << 8);
        v = ((v >> 16) & 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff)
            | ((v & 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff) << 16);
        v = ((v >> 32) & 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff)
            | ((v & 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff) << 32);
        v = ((v >> 64) & 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff)
            | ((v & 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff) << 64);
        return (v >> 128) | (v << 128);
    }
}
