/**
 * The registration payload: what a node's `prepare-registration` prints and the portal / CLI
 * accept. JSON, every field 0x-hex:
 *   { "operator": address,
 *     "blsPublicKey": G1 (64 bytes: x ‖ y),
 *     "blsPublicKeyG2": G2 (128 bytes, EIP-197 order: x_imag ‖ x_real ‖ y_imag ‖ y_real),
 *     "proofOfPossession": G1 signature (64 bytes) over the PoP digest bound to operator,
 *                          chain id and the SessionStaking address,
 *     "ed25519PublicKey": 32 bytes,
 *     "ed25519Signature": 64 bytes (R ‖ S), the ed25519 key's signature of the registration
 *                         (chain id, SessionStaking address, operator, BLS key: see
 *                         ed25519-proof.ts). The contract only emits it; nodes verify it. }
 */
import { getAddress, isAddress, type Address, type Hex } from 'viem';
import {
  BlsError,
  g1FromHex,
  g1ToHex,
  g1ToSolidity,
  g2FromHex,
  g2ToHex,
  g2ToSolidity,
  proofOfPossessionDigest,
  signProofOfPossession,
  verifySignature,
  type BlsKeyPair,
  type G1Point,
  type G2Point,
  type SolidityG1,
  type SolidityG2,
} from '../bls/index.ts';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ed25519SignatureWords, signEd25519Registration, verifyEd25519Registration } from './ed25519-proof.ts';

export type RegistrationPayload = {
  operator: Address;
  blsPublicKey: Hex;
  blsPublicKeyG2: Hex;
  proofOfPossession: Hex;
  ed25519PublicKey: Hex;
  ed25519Signature: Hex;
};

/** The payload with its points decoded and checked to be valid group elements. */
export type ParsedRegistration = {
  operator: Address;
  publicKeyG1: G1Point;
  publicKeyG2: G2Point;
  proofOfPossession: G1Point;
  ed25519PublicKey: Hex;
  /** 0x + 128 lowercase hex digits (R ‖ S). */
  ed25519Signature: Hex;
};

/** SessionStaking.NodeKeys as viem takes it. */
export type NodeKeysArgs = {
  blsKey: SolidityG1;
  blsKeyG2: SolidityG2;
  proofOfPossession: SolidityG1;
  ed25519Key: Hex;
  /** (R, S): SessionStaking.NodeKeys.ed25519Signature. */
  ed25519Signature: readonly [Hex, Hex];
};

export type RegistrationField = keyof RegistrationPayload | 'json';

/** A payload that cannot be used; `field` names the culprit, the message says how to fix it. */
export class RegistrationPayloadError extends Error {
  override name = 'RegistrationPayloadError';
  constructor(
    readonly field: RegistrationField,
    message: string,
  ) {
    super(`registration payload: ${field}: ${message}`);
  }
}

const FIELDS: readonly (keyof RegistrationPayload)[] = ['operator', 'blsPublicKey', 'blsPublicKeyG2', 'proofOfPossession', 'ed25519PublicKey', 'ed25519Signature'];

/**
 * Builds the payload for `operator` from the node's keys (what `prepare-registration` prints):
 * the BLS proof of possession and the ed25519 key's signature of the registration, both bound
 * to the operator, the chain and the SessionStaking contract.
 */
export function prepareRegistration(args: {
  keyPair: BlsKeyPair;
  operator: Address;
  /** The node's 32-byte ed25519 secret (RFC 8032 seed): it signs the registration. */
  ed25519SecretKey: Uint8Array;
  /** Optional: the public key the secret must give (a guard against a mixed-up key file). */
  ed25519PublicKey?: Hex;
  chainId: number | bigint;
  /** The SessionStaking address the PoP and the ed25519 signature are bound to. */
  contract: Address;
}): RegistrationPayload {
  const { keyPair } = args;
  const operator = getAddress(args.operator);
  if (!(args.ed25519SecretKey instanceof Uint8Array) || args.ed25519SecretKey.length !== 32) {
    throw new RegistrationPayloadError('ed25519PublicKey', 'the node\'s ed25519 secret key must be 32 bytes');
  }
  const ed25519PublicKey = checkEd25519(`0x${bytesToHex(ed25519.getPublicKey(args.ed25519SecretKey))}`);
  if (args.ed25519PublicKey !== undefined && checkEd25519(args.ed25519PublicKey) !== ed25519PublicKey) {
    throw new RegistrationPayloadError('ed25519PublicKey', `${args.ed25519PublicKey} is not the public key of the given ed25519 secret (${ed25519PublicKey})`);
  }
  const pop = signProofOfPossession({
    chainId: args.chainId,
    contract: args.contract,
    operator,
    secretKey: keyPair.secretKey,
    publicKey: keyPair.publicKeyG1,
  });
  const blsKey = keyPair.publicKeyG1.toAffine();
  return {
    operator,
    blsPublicKey: g1ToHex(keyPair.publicKeyG1),
    blsPublicKeyG2: g2ToHex(keyPair.publicKeyG2),
    proofOfPossession: g1ToHex(pop),
    ed25519PublicKey,
    ed25519Signature: signEd25519Registration(args.ed25519SecretKey, { chainId: args.chainId, contract: args.contract, operator, blsKey }),
  };
}

function checkEd25519Signature(value: unknown): Hex {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{128}$/.test(value)) {
    throw new RegistrationPayloadError('ed25519Signature', 'must be 0x followed by 128 hex digits (the 64-byte signature prepare-registration printed)');
  }
  return value.toLowerCase() as Hex;
}

function checkEd25519(value: unknown): Hex {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new RegistrationPayloadError('ed25519PublicKey', 'must be 0x followed by 64 hex digits (the node\'s 32-byte ed25519 key)');
  }
  if (/^0x0{64}$/.test(value)) throw new RegistrationPayloadError('ed25519PublicKey', 'is all zeros; copy the key the node printed');
  return value.toLowerCase() as Hex;
}

function point<T>(field: RegistrationField, decode: (hex: string) => T, value: unknown): T {
  if (typeof value !== 'string') throw new RegistrationPayloadError(field, 'must be a hex string');
  try {
    return decode(value);
  } catch (error) {
    if (error instanceof BlsError) throw new RegistrationPayloadError(field, error.message);
    throw error;
  }
}

/**
 * Parses and checks a payload (a JSON string or an object): every field present, addresses
 * and hex well formed, points on the curve. Throws RegistrationPayloadError naming the field.
 * Pass `context` to also verify the proof of possession off-chain (what the contract will do)
 * and the ed25519 signature (what every node will do with the NodeOpened event).
 */
export function parseRegistrationPayload(
  input: string | unknown,
  context?: { chainId: number | bigint; contract: Address },
): ParsedRegistration {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new RegistrationPayloadError('json', `not valid JSON (${(error as Error).message}); paste the whole output of prepare-registration`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RegistrationPayloadError('json', 'expected a JSON object with ' + FIELDS.join(', '));
  }
  const raw = value as Record<string, unknown>;
  for (const field of FIELDS) {
    if (raw[field] === undefined) throw new RegistrationPayloadError(field, 'is missing');
  }
  if (typeof raw.operator !== 'string' || !isAddress(raw.operator)) {
    throw new RegistrationPayloadError('operator', 'must be a 0x address (the wallet that will send the registration)');
  }
  const parsed: ParsedRegistration = {
    operator: getAddress(raw.operator),
    publicKeyG1: point('blsPublicKey', g1FromHex, raw.blsPublicKey),
    publicKeyG2: point('blsPublicKeyG2', g2FromHex, raw.blsPublicKeyG2),
    proofOfPossession: point('proofOfPossession', g1FromHex, raw.proofOfPossession),
    ed25519PublicKey: checkEd25519(raw.ed25519PublicKey),
    ed25519Signature: checkEd25519Signature(raw.ed25519Signature),
  };
  if (context) {
    const digest = proofOfPossessionDigest({ ...context, operator: parsed.operator, publicKey: parsed.publicKeyG1 });
    const ok = verifySignature({ digest, signature: parsed.proofOfPossession, publicKeyG1: parsed.publicKeyG1, publicKeyG2: parsed.publicKeyG2 });
    if (!ok) {
      throw new RegistrationPayloadError(
        'proofOfPossession',
        `does not prove the BLS key for operator ${parsed.operator} on chain ${context.chainId} at ${context.contract}; ` +
          'rerun prepare-registration with this operator address and network',
      );
    }
    const ed25519Ok = verifyEd25519Registration({
      ...context,
      operator: parsed.operator,
      blsKey: parsed.publicKeyG1.toAffine(),
      ed25519Key: parsed.ed25519PublicKey,
      signature: parsed.ed25519Signature,
    });
    if (!ed25519Ok) {
      throw new RegistrationPayloadError(
        'ed25519Signature',
        `is not ed25519 key ${parsed.ed25519PublicKey}'s signature of this registration (operator ${parsed.operator}, this BLS key, ` +
          `chain ${context.chainId}, contract ${context.contract}); the network would ignore the node. ` +
          'Rerun prepare-registration on the node with this operator address and network, and paste its whole output',
      );
    }
  }
  return parsed;
}

/** The NodeKeys struct for registerSoloNode / openPool from a parsed payload. */
export function nodeKeysArgs(parsed: ParsedRegistration): NodeKeysArgs {
  return {
    blsKey: g1ToSolidity(parsed.publicKeyG1),
    blsKeyG2: g2ToSolidity(parsed.publicKeyG2),
    proofOfPossession: g1ToSolidity(parsed.proofOfPossession),
    ed25519Key: parsed.ed25519PublicKey,
    ed25519Signature: ed25519SignatureWords(parsed.ed25519Signature),
  };
}
