/**
 * The most a buyer agrees to pay (maxPrice) for names and Pro: by default the price read
 * just before sending, or --max-price. The contracts refuse a higher price (PriceAboveMax),
 * so an owner raising the price in front of the transaction cannot charge more.
 */
import type { SignerClients } from '../sdk/src/clients.ts';
import { formatSesh, InvalidAmountError, parseSesh } from '../sdk/src/units.ts';
import { CliError, ContractRefusal, send, type Call } from './lib.ts';

export const MAX_PRICE_USAGE = `  --max-price SESH   the most you agree to pay (default: the price read just before sending);
                     the transaction is refused, and nothing paid, if the price is higher`;

/** The maxPrice to send: --max-price if given (refused here if the price already exceeds it), else `price`. */
export function chooseMaxPrice(price: bigint, flag: string | undefined): bigint {
  if (flag === undefined) return price;
  let max: bigint;
  try {
    max = parseSesh(flag);
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new CliError(`--max-price: ${error.message}`);
    throw error;
  }
  if (price > max) throw new CliError(`the price is ${formatSesh(price)} SESH, above --max-price ${formatSesh(max)} SESH; nothing was sent`);
  return max;
}

/** "10 SESH (max 10 SESH)": the confirmation line's price part. */
export const priceText = (price: bigint, maxPrice: bigint) => `${formatSesh(price)} SESH (max ${formatSesh(maxPrice)} SESH)`;

/** Sends a priced call; a PriceAboveMax refusal becomes a message saying what happened and what to do. */
export async function sendPriced(s: SignerClients, call: Call): Promise<{ hash: `0x${string}`; gasUsed: bigint }> {
  try {
    return await send(s, call);
  } catch (error) {
    if (error instanceof ContractRefusal && error.revert.name === 'PriceAboveMax') {
      const [price, max] = error.revert.args as [bigint, bigint];
      throw new CliError(
        `${call.functionName} refused: the price is now ${formatSesh(price)} SESH, above the ${formatSesh(max)} SESH you agreed to; nothing was paid. ` +
          'Run again to see the new price, or pass --max-price.',
      );
    }
    throw error;
  }
}
