// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Blake2b
/// @notice Unkeyed BLAKE2b-256 of at most 128 bytes through the EIP-152 F precompile (0x09):
/// one compression of one final block. Oxen's name system stored names as this hash of the
/// lowercased name, so the same function keys every Session name on-chain.
library Blake2b {
    /// @notice The input is longer than one 128-byte block.
    error Blake2bInputTooLong(uint256 length);

    /// @dev IV with the parameter block (digest length 32, no key, fanout 1, depth 1) mixed
    /// into word 0, as eight little-endian 64-bit words. Generated from the SHA-512 IV.
    bytes private constant H0 = hex"28c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b";

    /// @notice BLAKE2b with a 32-byte digest of `data` (`data.length` ≤ 128).
    function hash256(bytes memory data) internal view returns (bytes32 digest) {
        uint256 len = data.length;
        if (len > 128) revert Blake2bInputTooLong(len);
        bytes memory h0 = H0;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            // 213-byte input: rounds (4, BE) ‖ h (64) ‖ m (128) ‖ t (16, LE) ‖ f (1)
            mstore(ptr, shl(224, 12))
            mcopy(add(ptr, 4), add(h0, 0x20), 64)
            let m := add(ptr, 68)
            // zero the block, then copy the data in
            mstore(m, 0)
            mstore(add(m, 0x20), 0)
            mstore(add(m, 0x40), 0)
            mstore(add(m, 0x60), 0)
            mcopy(m, add(data, 0x20), len)
            let t := add(ptr, 196)
            // t0 = len as a little-endian u64, t1 = 0, then f = 1 (final block)
            mstore(t, 0)
            mstore8(t, and(len, 0xff))
            mstore8(add(t, 1), shr(8, len))
            mstore8(add(t, 16), 1)
            if iszero(staticcall(gas(), 0x09, ptr, 213, ptr, 64)) { revert(0, 0) }
            digest := mload(ptr)
        }
    }
}
