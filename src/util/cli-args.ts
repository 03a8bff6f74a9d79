/** Command-line options of every command, parsed one way: `node:util` parseArgs, strict. */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { forTerminal } from './terminal.js';

/** One line on stderr with the CLI's one prefix, whatever the command; escaped, as it may quote input. */
export function say(line: string): void {
  process.stderr.write(`genesys-usage-agent: ${forTerminal(line, 1000)}\n`);
}

/** A mistake in how the CLI was called or configured: one line, and the exit code 2. */
export function usageError(message: string): 2 {
  say(message);
  return 2;
}

/**
 * `command`'s options, or an exit code: 0 after printing `usage` for `--help`/`-h`, 2 after one
 * line naming the mistake (an unknown option, a positional argument, a missing value).
 */
export function commandArgs<O extends ParseArgsOptionsConfig>(
  command: string,
  args: string[],
  options: O,
  usage: string,
) {
  try {
    const { values } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    if ((values as { help?: boolean }).help) {
      process.stdout.write(usage);
      return 0;
    }
    return values;
  } catch (err) {
    // Node's messages go on with advice about `--` that does not apply here: the first sentence only.
    const first = (err as Error).message.split(/\. (?=[A-Z])/)[0];
    return usageError(`${command}: ${first}; see genesys-usage-agent ${command} --help`);
  }
}
