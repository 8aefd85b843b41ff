// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ed25519} from "./Ed25519.sol";
import {NameRules} from "./NameRules.sol";
import {SessionNameRegistry} from "./SessionNameRegistry.sol";

/// @title OxenNameMigration
/// @notice Brings Oxen (ONS) Session names over. The admin imports the old table — the
/// blake2b-256 hash of each lowercased name, its Session ID, expiry and old owner ed25519
/// key — in batches; imported names resolve at once. The old owner then claims the name as
/// an ERC-721 token by giving the plaintext name and an ed25519 signature, by the old owner
/// key, over {claimMessage}. The message binds the chain, this contract, the name and the
/// receiving address, so a copied signature can only mint to the address its signer chose.
/// @dev Importing is possible until the admin calls {finishImport} (one-way); an import never
/// overwrites a name that is registered or in its grace period. The admin has no other power.
contract OxenNameMigration {
    /// @notice Domain tag of the claim message.
    bytes32 public constant CLAIM_DOMAIN = keccak256("SESH/ONS-claim/v1");

    struct OxenName {
        bytes32 nameHash; // blake2b-256 of the lowercased name, as ONS stored it
        bytes32 accountId; // Session ID without its 05 prefix
        uint64 expiry; // unix seconds
        bytes32 ownerKey; // the old owner's ed25519 public key
    }

    SessionNameRegistry public immutable registry;
    /// @notice May import names until {finishImport}. No other power.
    address public immutable admin;
    /// @notice Set once by {finishImport}: no more imports.
    bool public importFinished;
    /// @notice The old owner key of each imported, unclaimed name.
    mapping(uint256 id => bytes32 ownerKey) public ownerKeyOf;

    error NotAdmin(address caller);
    error ImportFinished();
    /// @notice No unclaimed Oxen name with this id: never imported, already claimed, or released.
    error NotClaimable(uint256 id);
    /// @notice The ed25519 signature is not by the name's old owner key over the claim message.
    error InvalidOwnerSignature(uint256 id);
    error ZeroAddress();

    /// @notice A batch was imported: `imported` new names, `skipped` already present.
    event OxenNamesImported(uint256 imported, uint256 skipped);
    event ImportClosed();
    /// @notice The old owner of `id` claimed it to `to`.
    event OxenNameClaimed(uint256 indexed id, string name, address indexed to, bytes32 ownerKey);

    constructor(SessionNameRegistry registry_) {
        registry = registry_;
        admin = msg.sender;
    }

    /// @notice Imports a batch of Oxen names; entries whose name is taken (or the same
    /// import run twice) are skipped, so an interrupted import can simply be re-run.
    /// An entry whose expiry is not in the future refuses the whole batch with
    /// SessionNameRegistry.ExpiryNotInFuture (nothing stored): drop expired names upstream.
    function importNames(OxenName[] calldata batch) external returns (uint256 imported) {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        if (importFinished) revert ImportFinished();
        for (uint256 i; i < batch.length; ++i) {
            OxenName calldata n = batch[i];
            uint256 id = uint256(n.nameHash);
            if (n.ownerKey == bytes32(0) || ownerKeyOf[id] != bytes32(0)) continue;
            if (!registry.importName(id, n.accountId, n.expiry)) continue;
            ownerKeyOf[id] = n.ownerKey;
            ++imported;
        }
        emit OxenNamesImported(imported, batch.length - imported);
    }

    /// @notice Ends the import window for good.
    function finishImport() external {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        importFinished = true;
        emit ImportClosed();
    }

    /// @notice The 32 bytes the old owner signs with ed25519 to claim `name` to `to`.
    function claimMessage(string calldata name, address to) public view returns (bytes32) {
        uint256 id = registry.idOfNormalised(NameRules.normalise(name));
        return keccak256(abi.encode(CLAIM_DOMAIN, block.chainid, address(this), id, to));
    }

    /// @notice Claims imported Oxen `name` as an ERC-721 token minted to `to`, proven by the
    /// old owner key's ed25519 signature (r, s) over {claimMessage}(name, to).
    function claim(string calldata name, address to, bytes32 r, bytes32 s) external returns (uint256 id) {
        if (to == address(0)) revert ZeroAddress();
        bytes memory normalised = NameRules.normalise(name);
        id = registry.idOfNormalised(normalised);
        bytes32 key = ownerKeyOf[id];
        if (key == bytes32(0)) revert NotClaimable(id);
        bytes32 message = keccak256(abi.encode(CLAIM_DOMAIN, block.chainid, address(this), id, to));
        if (!Ed25519.verify(key, message, r, s)) revert InvalidOwnerSignature(id);
        delete ownerKeyOf[id];
        emit OxenNameClaimed(id, string(normalised), to, key);
        registry.claimImported(normalised, to); // reverts NameNotFound if released meanwhile
    }

    /// @notice Checks an ed25519 signature as {claim} does (for clients and tests).
    function verifyEd25519(bytes32 publicKey, bytes32 message, bytes32 r, bytes32 s) external view returns (bool) {
        return Ed25519.verify(publicKey, message, r, s);
    }

    /// @notice The X25519 key (Session account ID without 05) of ed25519 key `publicKey`.
    function ed25519ToX25519(bytes32 publicKey) external view returns (bytes32) {
        return Ed25519.toX25519(publicKey);
    }

    /// @notice blake2b-256 of `data` (≤ 128 bytes) via the F precompile, for clients and tests.
    function blake2b256(bytes calldata data) external view returns (bytes32) {
        return bytes32(registry.idOfNormalised(data));
    }
}
