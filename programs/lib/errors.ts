/**
 * Typed errors for the programs. A bad input row always carries its file and line so the
 * operator can open the file at that spot.
 */

/** One bad row of an input file. */
export type BadRow = { file: string; line: number; reason: string; text: string };

export class BadInputError extends Error {
  override name = 'BadInputError';
  constructor(readonly rows: BadRow[]) {
    const shown = rows.slice(0, 20).map(formatBadRow).join('\n');
    const more = rows.length > 20 ? `\n… and ${rows.length - 20} more` : '';
    super(
      `${rows.length} bad input row(s); nothing was written. Fix them, or pass --skip-bad-rows to skip and list them:\n${shown}${more}`,
    );
  }
}

/** A bad command-line option or parameter. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function formatBadRow(row: BadRow): string {
  return `${row.file}:${row.line}: ${row.reason}`;
}

/**
 * Collects bad rows during a run. Strict runs fail at the end with every bad row listed
 * (and nothing written); with skipBadRows the rows are skipped and listed.
 */
export type BadRowSink = { rows: BadRow[]; add: (file: string, line: number, reason: string, text: string) => void };

export function badRowSink(): BadRowSink {
  const rows: BadRow[] = [];
  return { rows, add: (file, line, reason, text) => void rows.push({ file, line, reason, text: text.slice(0, 200) }) };
}

/** Throws when there are bad rows and skipping was not asked for. */
export function checkBadRows(sink: BadRowSink, skipBadRows: boolean): void {
  if (sink.rows.length > 0 && !skipBadRows) throw new BadInputError(sink.rows);
}
