/**
 * Typed errors of the migration runbook. A bad input line always carries its file and line
 * (the programs' BadRow), so the operator can open the file at that spot.
 */
import { BadInputError, formatBadRow, type BadRow } from '../../programs/lib/errors.ts';

export { BadInputError, formatBadRow, type BadRow };

/** A bad command-line option, or a rule the inputs break as a whole (not one line). */
export class MigrationError extends Error {
  override name = 'MigrationError';
}
