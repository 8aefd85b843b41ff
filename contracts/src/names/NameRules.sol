// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title NameRules
/// @notice The one name rule of the Session Name Service, shared by the sdk
/// (sdk/src/names/rules.ts) and the contracts. A name is normalised by lowercasing ASCII
/// A–Z, then must match Oxen's rule `^\w([\w-]*\w)?$`: 1–64 characters of a–z, 0–9, `_`
/// and `-`, where `-` may not be first or last. Any other byte (including every non-ASCII
/// byte) is refused. Names are case-insensitive: "Alice" and "alice" are the same name.
library NameRules {
    uint256 internal constant MAX_LENGTH = 64;

    /// @notice Why a name was refused (the same codes as the sdk's NameErrorReason).
    enum Reason {
        None,
        Empty, // 1: no characters
        TooLong, // 2: more than 64 characters (bytes)
        InvalidCharacter, // 3: a byte outside a–z, A–Z, 0–9, `_`, `-`
        HyphenAtStart, // 4: starts with `-`
        HyphenAtEnd // 5: ends with `-`
    }

    /// @notice `name` breaks the name rules: `reason` (see {Reason}) at byte `position`.
    error InvalidName(uint8 reason, uint256 position);

    /// @notice The normalised (lowercase) form of `name`; reverts with {InvalidName} if refused.
    function normalise(string memory name) internal pure returns (bytes memory out) {
        (Reason reason, uint256 position, bytes memory lower) = check(name);
        if (reason != Reason.None) revert InvalidName(uint8(reason), position);
        return lower;
    }

    /// @notice Checks `name` without reverting: (None, 0, lowercase) or (reason, position, "").
    function check(string memory name) internal pure returns (Reason, uint256, bytes memory) {
        bytes memory b = bytes(name);
        uint256 len = b.length;
        if (len == 0) return (Reason.Empty, 0, "");
        if (len > MAX_LENGTH) return (Reason.TooLong, MAX_LENGTH, "");
        bytes memory lower = new bytes(len);
        for (uint256 i; i < len; ++i) {
            uint8 c = uint8(b[i]);
            if (c >= 0x41 && c <= 0x5a) c += 0x20; // A–Z → a–z
            bool word = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5f;
            if (!word) {
                if (c != 0x2d) return (Reason.InvalidCharacter, i, "");
                if (i == 0) return (Reason.HyphenAtStart, 0, "");
                if (i == len - 1) return (Reason.HyphenAtEnd, i, "");
            }
            lower[i] = bytes1(c);
        }
        return (Reason.None, 0, lower);
    }
}
