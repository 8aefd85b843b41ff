/**
 * `--config FILE` (or an environment variable) for a daemon: a JSON object whose keys are the
 * long option names without dashes, e.g. { "data-dir": "/var/lib/session-node", "http-port": 22021 }.
 * The file becomes command-line tokens put in front of the real ones, so one parser validates
 * both and a flag given on the command line wins. Relative paths are relative to the file (a
 * unit file or a copied config works from any working directory); unknown keys are refused
 * with the key and file named, so a typo is never silently ignored.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

export type ConfigFileSpec = {
  /** Named in errors: "session-node", "gateway". */
  program: string;
  /** e.g. SESSION_NODE_CONFIG: used when --config is not given. */
  envVar: string;
  /** Every long option that takes a value, with its dashes ("--data-dir"). */
  valueOptions: readonly string[];
  /** Options without a value (true in the file = given). */
  flagOptions?: readonly string[];
  /** Options whose values are paths (resolved against the config file's folder). */
  pathOptions?: readonly string[];
  /** Options that may repeat (an array in the file); the command line replaces the file's list. */
  repeatable?: readonly string[];
};

export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

/** Takes `--config FILE` / `--config=FILE` out of argv; falls back to the environment variable. */
export function splitConfigOption(argv: readonly string[], envVar: string, env: NodeJS.ProcessEnv = process.env): { file: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let value: string | undefined;
    if (arg === '--config') {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new ConfigFileError('--config needs a file name');
    } else if (arg.startsWith('--config=')) value = arg.slice('--config='.length);
    else {
      rest.push(arg);
      continue;
    }
    if (file !== undefined) throw new ConfigFileError('--config given twice');
    if (value === '') throw new ConfigFileError('--config needs a file name');
    file = value;
  }
  const fromEnv = env[envVar];
  return { file: file ?? (fromEnv ? fromEnv : undefined), rest };
}

const given = (argv: readonly string[], option: string) => argv.some((a) => a === option || a.startsWith(`${option}=`));

/** The file's settings as `--key=value` tokens (absolute paths), skipping keys the command line gives. */
export function configFileTokens(file: string, spec: ConfigFileSpec, commandLine: readonly string[] = []): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`config file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`config file ${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigFileError(`config file ${file}: expected a JSON object of option names, e.g. { "data-dir": "…" }`);
  const base = dirname(resolve(file));
  const tokens: string[] = [];
  for (const [key, raw] of Object.entries(value)) {
    const option = `--${key}`;
    const where = `config file ${file}: "${key}"`;
    const isFlag = spec.flagOptions?.includes(option) ?? false;
    if (!isFlag && !spec.valueOptions.includes(option)) throw new ConfigFileError(`config file ${file}: unknown key "${key}" (keys are the long option names without dashes, e.g. "data-dir"; see ${spec.program} --help)`);
    if (given(commandLine, option)) continue; // the command line wins
    if (isFlag) {
      if (typeof raw !== 'boolean') throw new ConfigFileError(`${where} must be true or false`);
      if (raw) tokens.push(option);
      continue;
    }
    const repeatable = spec.repeatable?.includes(option) ?? false;
    const items = Array.isArray(raw) && repeatable ? raw : [raw];
    if (items.length === 0) continue;
    for (const item of items) {
      if (typeof item === 'number' && Number.isSafeInteger(item) && item >= 0) tokens.push(`${option}=${item}`);
      else if (typeof item === 'string' && item !== '') {
        const path = spec.pathOptions?.includes(option) ?? false;
        tokens.push(`${option}=${path && !isAbsolute(item) ? resolve(base, item) : item}`);
      } else throw new ConfigFileError(`${where} must be ${repeatable ? 'a non-empty string, a whole number or a list of them' : 'a non-empty string or a whole number'}`);
    }
  }
  return tokens;
}

/** argv with the config file (from --config or the environment) merged in front; --help skips the file. */
export function withConfigFile(argv: readonly string[], spec: ConfigFileSpec, env: NodeJS.ProcessEnv = process.env): string[] {
  if (argv.includes('--help') || argv.includes('-h')) return [...argv];
  const { file, rest } = splitConfigOption(argv, spec.envVar, env);
  if (file === undefined) return rest;
  return [...configFileTokens(file, spec, rest), ...rest];
}
