/**
 * sesh — the project CLI. `npm run sesh -- <command> <subcommand> [options]`.
 *
 * Every file in cli/commands/ exports `command: CliCommand`; they are discovered at start,
 * so adding a command group is adding a file. `--help` works at every level.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BaseError, HttpRequestError } from 'viem';
import { CliError, type CliCommand, type CliIo } from './lib.ts';

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

export async function loadCommands(): Promise<CliCommand[]> {
  const files = readdirSync(commandsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const modules = await Promise.all(files.map((f) => import(pathToFileURL(join(commandsDir, f)).href)));
  return modules.map((m) => m.command as CliCommand).filter(Boolean);
}

function topUsage(commands: CliCommand[]): string {
  const rows = commands.flatMap((c) => c.subcommands.map((s) => `  ${`${c.name} ${s.name}`.padEnd(24)} ${s.summary}`));
  return `Usage: npm run sesh -- <command> <subcommand> [options]\n\nCommands:\n${rows.join('\n')}\n\nEvery command takes --help.`;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const commands = await loadCommands();
  const [group, sub, ...rest] = argv;
  if (!group || group === '--help' || group === '-h' || group === 'help') {
    io.out(topUsage(commands));
    return group ? 0 : 1;
  }
  const command = commands.find((c) => c.name === group);
  if (!command) {
    io.err(`unknown command "${group}"\n\n${topUsage(commands)}`);
    return 1;
  }
  const groupUsage = () => `Usage: npm run sesh -- ${command.name} <subcommand> [options]\n\n${command.summary}\n\n${command.subcommands.map((s) => `  ${s.name.padEnd(14)} ${s.summary}`).join('\n')}`;
  if (!sub || sub === '--help' || sub === '-h') {
    io.out(groupUsage());
    return sub ? 0 : 1;
  }
  const subcommand = command.subcommands.find((s) => s.name === sub);
  if (!subcommand) {
    io.err(`unknown subcommand "${command.name} ${sub}"\n\n${groupUsage()}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(subcommand.usage);
    return 0;
  }
  try {
    await subcommand.run(rest, io);
    return 0;
  } catch (error) {
    const e = error as Error;
    if (error instanceof BaseError && error.walk((x) => x instanceof HttpRequestError)) {
      const url = (error.walk((x) => x instanceof HttpRequestError) as HttpRequestError).url;
      io.err(`cannot reach the chain at ${url}: start the devnet (npm run devnet) or pass --rpc-url / --deployments`);
    } else io.err(error instanceof CliError ? e.message : `${e.name}: ${e.message}`);
    return 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
