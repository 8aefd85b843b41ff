/** Typed errors for malformed BLS input, so callers can tell bad data from bugs. */

/** Base class of every BLS input error. */
export class BlsError extends Error {
  override name = 'BlsError';
}

/** Hex or number input of the wrong shape (length, characters, range). */
export class BlsEncodingError extends BlsError {
  override name = 'BlsEncodingError';
}

/** Coordinates that are not a valid group element (off the curve, identity, wrong subgroup). */
export class BlsPointError extends BlsError {
  override name = 'BlsPointError';
}
