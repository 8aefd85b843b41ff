/**
 * The devnet's demo accounts in the browser: the keys devnet/accounts.ts derives from the
 * anvil test mnemonic, computed with one BIP-39 seed (WebCrypto PBKDF2, off the main thread
 * where available) and one BIP-32 parent key, instead of re-deriving the seed per account
 * (viem's mnemonicToAccount), which blocked the page for about a second.
 */
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { toHex, type Address, type Hex } from 'viem';
import { HDKey, privateKeyToAccount } from 'viem/accounts';
import { DEVNET_MNEMONIC } from '../../devnet/accounts.ts';

export type DemoKey = { index: number; address: Address; privateKey: Hex };

const utf8 = (text: string) => new TextEncoder().encode(text.normalize('NFKD'));

/** BIP-39 seed: PBKDF2-HMAC-SHA512(mnemonic, "mnemonic", 2048 rounds, 64 bytes). */
async function seedOf(mnemonic: string): Promise<Uint8Array> {
  const salt = utf8('mnemonic');
  if (globalThis.crypto?.subtle) {
    const key = await crypto.subtle.importKey('raw', utf8(mnemonic), 'PBKDF2', false, ['deriveBits']);
    return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-512', salt, iterations: 2048 }, key, 512));
  }
  return pbkdf2Async(sha512, utf8(mnemonic), salt, { c: 2048, dkLen: 64 });
}

let cache: Promise<DemoKey[]> | undefined;

/** The first `count` demo accounts (m/44'/60'/0'/0/i, as anvil and devnet/accounts.ts use). */
export function demoKeys(count = 10): Promise<DemoKey[]> {
  cache ??= seedOf(DEVNET_MNEMONIC).then((seed) => {
    const parent = HDKey.fromMasterSeed(seed).derive("m/44'/60'/0'/0");
    return Array.from({ length: count }, (_, index) => {
      const privateKey = toHex(parent.deriveChild(index).privateKey!);
      return { index, address: privateKeyToAccount(privateKey).address, privateKey };
    });
  });
  return cache;
}

/** A viem local account: transactions are signed in the page and sent as raw transactions. */
export const localAccount = (privateKey: Hex) => privateKeyToAccount(privateKey);
