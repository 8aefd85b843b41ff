/**
 * Streaming line input with a progress bar, and atomic output files.
 */
import { createReadStream, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A progress bar on stderr, redrawn at most every 200 ms; silent when `quiet`. */
export function progressBar(label: string, total: number, quiet = false): { update: (done: number) => void; end: () => void } {
  let last = 0;
  const draw = (done: number) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(1)}%`);
  };
  return {
    update(done) {
      if (quiet) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      draw(done);
    },
    end() {
      if (quiet) return;
      draw(total);
      process.stderr.write('\n');
    },
  };
}

/**
 * Calls `onLine` for every non-blank line of a text file, without loading the file whole:
 * the inputs are ASCII, read as latin1 (a non-ASCII byte then fails the row's validation);
 * 1 MiB chunks are split on '\n' by hand (much faster than readline or an async generator
 * per line for tens of millions of lines). Line numbers are 1-based and count every line.
 */
export async function forEachLine(
  file: string,
  onLine: (text: string, line: number) => void,
  options: { progress?: string; quiet?: boolean } = {},
): Promise<void> {
  const size = statSync(file).size;
  const bar = options.progress ? progressBar(options.progress, size, options.quiet) : undefined;
  let rest = '';
  let lineNo = 0;
  let read = 0;
  for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: 1 << 20 })) {
    read += (chunk as string).length;
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      lineNo++;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF
      if (end > start) onLine(text.slice(start, end), lineNo);
      start = nl + 1;
    }
    rest = text.slice(start);
    bar?.update(read);
  }
  if (rest.length > 0) {
    lineNo++;
    const text = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
    if (text.length > 0) onLine(text, lineNo);
  }
  bar?.end();
}

/** Writes a file atomically: a temp file in the same folder, then a rename. */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}
