// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Sha512
/// @notice SHA-512 (FIPS 180-4) of exactly 96 bytes, the size ed25519 hashes when the signed
/// message is a 32-byte digest: R ‖ A ‖ M. One padded block, so one compression.
/// @dev Round constants are generated (cube roots of the first 80 primes), not hand-typed.
library Sha512 {
    /// @notice SHA-512(a ‖ b ‖ c) as two 32-byte halves (digest bytes 0–31 and 32–63).
    function hash96(bytes32 a, bytes32 b, bytes32 c) internal pure returns (bytes32 first, bytes32 second) {
        uint64[80] memory w;
        _load(w, 0, a);
        _load(w, 4, b);
        _load(w, 8, c);
        w[12] = 0x8000000000000000; // padding bit
        w[15] = 768; // message length in bits
        unchecked {
            for (uint256 i = 16; i < 80; ++i) {
                uint64 x = w[i - 15];
                uint64 y = w[i - 2];
                uint64 s0 = _rotr(x, 1) ^ _rotr(x, 8) ^ (x >> 7);
                uint64 s1 = _rotr(y, 19) ^ _rotr(y, 61) ^ (y >> 6);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
            }
        }
        uint64[8] memory iv = [
            uint64(0x6a09e667f3bcc908), 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
            0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179
        ];
        uint64[8] memory s = [iv[0], iv[1], iv[2], iv[3], iv[4], iv[5], iv[6], iv[7]];
        uint64[80] memory k = [
            uint64(0x428a2f98d728ae22), 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
            0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
            0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
            0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
            0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
            0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
            0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
            0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
            0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
            0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
            0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
            0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
            0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
            0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
            0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
            0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
            0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
            0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
            0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
            0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817
        ];
        for (uint256 i; i < 80; ++i) _round(s, k[i], w[i]);
        unchecked {
            first = bytes32(
                (uint256(iv[0] + s[0]) << 192) | (uint256(iv[1] + s[1]) << 128) | (uint256(iv[2] + s[2]) << 64) | uint256(iv[3] + s[3])
            );
            second = bytes32(
                (uint256(iv[4] + s[4]) << 192) | (uint256(iv[5] + s[5]) << 128) | (uint256(iv[6] + s[6]) << 64) | uint256(iv[7] + s[7])
            );
        }
    }

    function _load(uint64[80] memory w, uint256 index, bytes32 word) private pure {
        uint256 v = uint256(word);
        w[index] = uint64(v >> 192);
        w[index + 1] = uint64(v >> 128);
        w[index + 2] = uint64(v >> 64);
        w[index + 3] = uint64(v);
    }

    function _round(uint64[8] memory s, uint64 k, uint64 w) private pure {
        unchecked {
            uint64 e = s[4];
            uint64 t1 = s[7] + (_rotr(e, 14) ^ _rotr(e, 18) ^ _rotr(e, 41)) + ((e & s[5]) ^ (~e & s[6])) + k + w;
            uint64 a = s[0];
            uint64 t2 = (_rotr(a, 28) ^ _rotr(a, 34) ^ _rotr(a, 39)) + ((a & s[1]) ^ (a & s[2]) ^ (s[1] & s[2]));
            s[7] = s[6];
            s[6] = s[5];
            s[5] = e;
            s[4] = s[3] + t1;
            s[3] = s[2];
            s[2] = s[1];
            s[1] = a;
            s[0] = t1 + t2;
        }
    }

    function _rotr(uint64 x, uint64 n) private pure returns (uint64) {
        return (x >> n) | (x << (64 - n));
    }
}
