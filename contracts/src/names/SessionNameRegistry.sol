// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @dev The ed25519 helpers the Oxen migration contract exposes (it links the verifier).
interface IEd25519Helpers {
    function verifyEd25519(bytes32 publicKey, bytes32 message, bytes32 r, bytes32 s) external view returns (bool);
    function ed25519ToX25519(bytes32 publicKey) external view returns (bytes32);
}
import {Blake2b} from "./Blake2b.sol";
import {NameRules} from "./NameRules.sol";

/// @title SessionNameRegistry
/// @notice The Session Name Service registry: every name is an ERC-721 token whose id is
/// `uint256(blake2b256(normalised name))` — the hash Oxen's name system stored — so imported
/// Oxen names and new names live in one table and resolve the same way. Each name points to
/// a Session account ID (the 32 bytes after the `05` prefix) and holds text records.
/// @dev Lifecycle: active while `now < expiry`; then a grace period of {GRACE_PERIOD} where
/// only renewal works (the name does not resolve and cannot be transferred); from
/// `expiry + GRACE_PERIOD` on, the name is released and may be registered afresh.
/// Transfers wipe the account ID and every text record (records are versioned per token, so
/// the wipe is O(1)). Controllers (the registrar and the Oxen migration, set once by the
/// deployer) create and extend names; nothing else can.
/// Reverse records come in two strengths. {setPrimaryName}: asserted by the owner of a name
/// that points to the account — cheap, but anyone can point a name at any account, so it
/// may be replaced the same way. {setVerifiedPrimaryName}: also signed by the account's own
/// Session ed25519 key (checked on-chain, ~750k gas); once an account has a verified
/// primary name, only another verified one replaces it.
/// Every reverse record is bound to the name's `version` (bumped by each transfer,
/// re-registration and import), so it dies for good when the name changes hands or is
/// released: pointing the name back at the account later does not revive it.
contract SessionNameRegistry is ERC721 {
    /// @notice After expiry, only renewal works for this long; then the name is released.
    uint256 public constant GRACE_PERIOD = 90 days;

    struct Entry {
        bytes32 accountId; // Session account ID without the 05 prefix; zero = none
        uint64 expiry; // first second the name is expired
        uint32 version; // bumped on every transfer and re-registration: wipes text records
        bool imported; // an Oxen name waiting for its old owner to claim it
    }

    /// @notice May call {setControllers} once. No other power.
    address public immutable deployer;
    /// @notice Registers and renews names for payment.
    address public registrar;
    /// @notice Imports Oxen names and mints them to their proven old owners.
    address public migration;

    mapping(uint256 id => Entry) private _entries;
    mapping(uint256 id => string) private _names;
    mapping(uint256 id => mapping(uint32 version => mapping(string key => string))) private _texts;
    /// @dev A reverse record: name `id` as it was at `version`, and whether the account signed it.
    struct Primary {
        uint256 id;
        uint32 version;
        bool verified;
    }

    mapping(bytes32 accountId => Primary) private _primary;
    /// @notice Replay counter of each account's signed primary-name choices.
    mapping(bytes32 accountId => uint256) public primaryNonce;

    /// @notice Domain tag of the message an account signs to choose its primary name.
    bytes32 public constant PRIMARY_DOMAIN = keccak256("SESH/SNS-primary/v2");

    error NotDeployer(address caller);
    error ControllersAlreadySet();
    error NotController(address caller);
    error ZeroAddress();
    /// @notice The account ID is zero: pass the 32 bytes after the 05 prefix of a Session ID.
    error InvalidAccountId();
    /// @notice The name is registered (or in its grace period, or an unclaimed Oxen import).
    error NameNotAvailable(uint256 id, uint64 expiry);
    /// @notice The name is expired (in grace or released): renew it first.
    error NameExpired(uint256 id, uint64 expiry);
    /// @notice The name does not exist.
    error NameNotFound(uint256 id);
    /// @notice The caller neither owns the name nor is approved for it.
    error NotNameOwner(uint256 id, address caller);
    /// @notice The name does not point to `accountId`, so it cannot be its primary name.
    error NameNotForAccount(uint256 id, bytes32 accountId);
    /// @notice The account chose a primary name with its own key; only {setVerifiedPrimaryName} replaces it.
    error PrimaryNameVerified(bytes32 accountId);
    /// @notice `key` is not the ed25519 key of the account the name points to.
    error KeyNotForAccount(bytes32 key, bytes32 accountId);
    /// @notice The signature is not by `key` over {primaryNameMessage}.
    error InvalidAccountSignature(bytes32 key);
    /// @notice An import must still be active: `expiry` is not after the block time `now`.
    error ExpiryNotInFuture(uint64 expiry, uint64 now);

    event ControllersSet(address registrar, address migration);
    /// @notice `name` (id `id`) now belongs to `owner`, points to `accountId`, and expires at `expiry`.
    event NameRegistered(uint256 indexed id, string name, address indexed owner, bytes32 indexed accountId, uint64 expiry);
    /// @notice An Oxen name was imported: unclaimed, resolving to `accountId` until `expiry`.
    event NameImported(uint256 indexed id, bytes32 indexed accountId, uint64 expiry);
    event NameRenewed(uint256 indexed id, uint64 expiry);
    event AccountIdChanged(uint256 indexed id, bytes32 indexed accountId);
    event TextChanged(uint256 indexed id, string indexed indexedKey, string key, string value);
    /// @notice A transfer wiped every record of `id`.
    event RecordsCleared(uint256 indexed id);
    event PrimaryNameSet(bytes32 indexed accountId, uint256 indexed id, bool verified);

    constructor() ERC721("Session Name Service", "SNS") {
        deployer = msg.sender;
    }

    modifier onlyController() {
        if (msg.sender != registrar && msg.sender != migration) revert NotController(msg.sender);
        _;
    }

    modifier onlyNameOwner(uint256 id) {
        address owner = _ownerOf(id);
        if (owner == address(0)) revert NameNotFound(id);
        if (msg.sender != owner && !isApprovedForAll(owner, msg.sender) && getApproved(id) != msg.sender) {
            revert NotNameOwner(id, msg.sender);
        }
        uint64 expiry = _entries[id].expiry;
        if (block.timestamp >= expiry) revert NameExpired(id, expiry);
        _;
    }

    /// @notice Sets the two controllers. Callable once, by the deployer.
    function setControllers(address registrar_, address migration_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (registrar != address(0)) revert ControllersAlreadySet();
        if (registrar_ == address(0) || migration_ == address(0)) revert ZeroAddress();
        registrar = registrar_;
        migration = migration_;
        emit ControllersSet(registrar_, migration_);
    }

    // ─── controllers ───────────────────────────────────────────────────────────

    /// @notice Registers normalised `name` to `owner`, pointing to `accountId`, until `expiry`.
    /// Burns a released previous token of the same name first.
    function register(bytes calldata name, address owner, bytes32 accountId, uint64 expiry)
        external
        onlyController
        returns (uint256 id)
    {
        if (accountId == bytes32(0)) revert InvalidAccountId();
        id = idOfNormalised(name);
        Entry storage e = _entries[id];
        if (!_released(e)) revert NameNotAvailable(id, e.expiry);
        if (_ownerOf(id) != address(0)) _burn(id); // _update bumps the version
        e.version += 1;
        e.accountId = accountId;
        e.expiry = expiry;
        e.imported = false;
        _names[id] = string(name);
        _mint(owner, id);
        emit NameRegistered(id, string(name), owner, accountId, expiry);
    }

    /// @notice Imports an Oxen name by hash (plaintext unknown until claimed). Returns false
    /// and changes nothing if the id is not available, so a re-run import is harmless.
    /// Refuses an expiry that is not in the future: such a name would be stored as imported
    /// yet never resolve, and could not be claimed.
    function importName(uint256 id, bytes32 accountId, uint64 expiry) external onlyController returns (bool) {
        if (expiry <= block.timestamp) revert ExpiryNotInFuture(expiry, uint64(block.timestamp));
        Entry storage e = _entries[id];
        if (!_released(e) || accountId == bytes32(0)) return false;
        if (_ownerOf(id) != address(0)) _burn(id);
        e.version += 1;
        e.accountId = accountId;
        e.expiry = expiry;
        e.imported = true;
        emit NameImported(id, accountId, expiry);
        return true;
    }

    /// @notice Mints an imported, unreleased Oxen name to `owner` once its plaintext is known.
    function claimImported(bytes calldata name, address owner) external onlyController returns (uint256 id) {
        id = idOfNormalised(name);
        Entry storage e = _entries[id];
        if (!e.imported || _released(e)) revert NameNotFound(id);
        e.imported = false;
        _names[id] = string(name);
        _mint(owner, id);
        emit NameRegistered(id, string(name), owner, e.accountId, e.expiry);
    }

    /// @notice Sets a new expiry for a name that is not yet released (renewal).
    function renew(uint256 id, uint64 expiry) external onlyController {
        Entry storage e = _entries[id];
        if (e.expiry == 0 || _released(e)) revert NameNotFound(id);
        e.expiry = expiry;
        emit NameRenewed(id, expiry);
    }

    // ─── owners ────────────────────────────────────────────────────────────────

    /// @notice Points name `id` to Session account `accountId` (the 32 bytes after 05).
    function setAccountId(uint256 id, bytes32 accountId) external onlyNameOwner(id) {
        if (accountId == bytes32(0)) revert InvalidAccountId();
        _entries[id].accountId = accountId;
        emit AccountIdChanged(id, accountId);
    }

    /// @notice Sets text record `key` of name `id` to `value` (empty value deletes it).
    function setText(uint256 id, string calldata key, string calldata value) external onlyNameOwner(id) {
        _texts[id][_entries[id].version][key] = value;
        emit TextChanged(id, key, key, value);
    }

    /// @notice Makes name `id` the primary (reverse) name of the account it points to,
    /// unless that account already chose a verified primary name that is still valid.
    function setPrimaryName(uint256 id) external onlyNameOwner(id) {
        Entry storage e = _entries[id];
        bytes32 accountId = e.accountId;
        if (accountId == bytes32(0)) revert NameNotForAccount(id, accountId);
        Primary storage current = _primary[accountId];
        if (current.verified && _validPrimary(accountId, current)) revert PrimaryNameVerified(accountId);
        _primary[accountId] = Primary(id, e.version, false);
        emit PrimaryNameSet(accountId, id, false);
    }

    /// @notice Makes name `id` the verified primary name of the account it points to, with an
    /// ed25519 signature (r, s) by that account's Session key `key` over
    /// {primaryNameMessage}(accountId, id). `key`'s X25519 form must equal the account ID.
    function setVerifiedPrimaryName(uint256 id, bytes32 key, bytes32 r, bytes32 s) external onlyNameOwner(id) {
        Entry storage e = _entries[id];
        bytes32 accountId = e.accountId;
        if (accountId == bytes32(0)) revert NameNotForAccount(id, accountId);
        IEd25519Helpers helpers = IEd25519Helpers(migration);
        if (helpers.ed25519ToX25519(key) != accountId) revert KeyNotForAccount(key, accountId);
        if (!helpers.verifyEd25519(key, primaryNameMessage(accountId, id), r, s)) revert InvalidAccountSignature(key);
        primaryNonce[accountId] += 1;
        _primary[accountId] = Primary(id, e.version, true);
        emit PrimaryNameSet(accountId, id, true);
    }

    /// @notice The 32 bytes account `accountId` signs to make name `id` its primary name
    /// (bound to this chain, this registry, the account's current nonce and the name's
    /// current version, so a signature not yet used dies if the name changes hands).
    function primaryNameMessage(bytes32 accountId, uint256 id) public view returns (bytes32) {
        return keccak256(
            abi.encode(PRIMARY_DOMAIN, block.chainid, address(this), accountId, id, _entries[id].version, primaryNonce[accountId])
        );
    }

    // ─── reads ─────────────────────────────────────────────────────────────────

    /// @notice Token id of `name` (normalised first; reverts with InvalidName if refused).
    function idOf(string calldata name) public view returns (uint256) {
        return idOfNormalised(NameRules.normalise(name));
    }

    /// @notice Token id of an already-normalised name: uint256(blake2b-256(name)).
    function idOfNormalised(bytes memory normalised) public view returns (uint256) {
        return uint256(Blake2b.hash256(normalised));
    }

    /// @notice The account ID `name` points to, or zero if it is unknown or expired.
    function resolve(string calldata name) external view returns (bytes32 accountId, uint64 expiry) {
        return resolveId(idOf(name));
    }

    /// @notice The account ID name `id` points to (zero if unknown or expired), and its expiry.
    function resolveId(uint256 id) public view returns (bytes32 accountId, uint64 expiry) {
        Entry storage e = _entries[id];
        expiry = e.expiry;
        if (block.timestamp < expiry) accountId = e.accountId;
    }

    /// @notice The primary name of `accountId`: empty unless that name still points to it and is active.
    function primaryName(bytes32 accountId) external view returns (string memory) {
        Primary storage p = _primary[accountId];
        return _validPrimary(accountId, p) ? _names[p.id] : "";
    }

    /// @notice Like {primaryName}, plus whether the account itself signed the choice.
    function primaryNameOf(bytes32 accountId) external view returns (string memory name, bool verified) {
        Primary storage p = _primary[accountId];
        if (!_validPrimary(accountId, p)) return ("", false);
        return (_names[p.id], p.verified);
    }

    /// @dev A reverse record counts only while its name still points to the account, is
    /// active, and has not changed hands or been re-registered since it was set.
    function _validPrimary(bytes32 accountId, Primary storage p) private view returns (bool) {
        Entry storage e = _entries[p.id];
        return p.id != 0 && e.version == p.version && e.accountId == accountId && block.timestamp < e.expiry;
    }

    /// @notice Text record `key` of name `id` (empty after a transfer wiped it).
    function text(uint256 id, string calldata key) external view returns (string memory) {
        return _texts[id][_entries[id].version][key];
    }

    /// @notice The full entry of name `id` and its plaintext (empty for an unclaimed import).
    function entryOf(uint256 id) external view returns (Entry memory entry, string memory name) {
        return (_entries[id], _names[id]);
    }

    /// @notice Whether name `id` can be registered now (never used, or released after grace).
    function available(uint256 id) external view returns (bool) {
        return _released(_entries[id]);
    }

    function _released(Entry storage e) private view returns (bool) {
        return block.timestamp >= uint256(e.expiry) + GRACE_PERIOD;
    }

    /// @dev Transfers of expired names are refused; a transfer (not a mint or burn) wipes
    /// the account ID and every text record.
    function _update(address to, uint256 id, address auth) internal override returns (address from) {
        from = super._update(to, id, auth);
        if (from != address(0) && to != address(0)) {
            Entry storage e = _entries[id];
            if (block.timestamp >= e.expiry) revert NameExpired(id, e.expiry);
            e.accountId = bytes32(0);
            e.version += 1;
            emit RecordsCleared(id);
        }
    }
}
