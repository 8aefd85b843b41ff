/**
 * Base64 exactly as the anchor accepts it (oxenc): the standard or the URL-safe alphabet, padding
 * optional but only where it completes a group of four. Node's own decoder skips characters it
 * does not know, so every decode here checks first: bad base64 is refused, never half-read.
 */

const BASE64 = /^[A-Za-z0-9+/_-]*$/;

/** True iff `text` is base64 the anchor would decode. */
export function isBase64(text: string): boolean {
  let body = text;
  if (text.length % 4 === 0 && text.endsWith('=')) body = text.endsWith('==') ? text.slice(0, -2) : text.slice(0, -1);
  return body.length % 4 !== 1 && BASE64.test(body);
}

/** The bytes of `text`, or undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!isBase64(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Standard padded base64 (what the anchor sends for signatures and data). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Standard base64 without `=` padding (the form of message hashes). */
export function toBase64Unpadded(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/=+$/, '');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The bytes of a hex string of exactly `length` bytes, or undefined. */
export function fromHex(text: string, length: number): Uint8Array | undefined {
  if (text.length !== length * 2 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'hex'));
}
