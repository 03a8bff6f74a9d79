#!/usr/bin/env node
/**
 * The `genesys-usage-agent` binary. It checks the Node version before anything of the agent is
 * loaded: its dependencies (undici 8, OpenTelemetry 3) fail at import time on older Node with a
 * stack trace, so the CLI is loaded only after the check. Then it replaces itself (same process id,
 * so a supervisor's signals reach the agent) with a Node that runs it with NODE_FLAGS: a shebang
 * cannot carry them, since an old Node would stop at an unknown flag before it could say why.
 */
import { NODE_FLAGS } from './runtime/node-flags.js';

/** package.json `engines.node` (test/cli/bin.test.ts keeps them equal): the first with every flag. */
const MIN_NODE = { major: 22, minor: 21 };

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN_NODE.major || (major === MIN_NODE.major && minor < MIN_NODE.minor)) {
  const command = ['genesys-usage-agent', ...process.argv.slice(2)].join(' ');
  // A checkout has Node 24 in node_modules (the `node` dev dependency); an installed package does not.
  const advice = import.meta.url.includes('/node_modules/')
    ? `install it, or run with npm's Node 24: npx -p node@24 -c '${command}'`
    : `in this checkout run npx ${command} or npm start, which bring Node 24`;
  process.stderr.write(
    `genesys-usage-agent: needs Node.js ≥ ${MIN_NODE.major}.${MIN_NODE.minor} (this is ${process.version}); ${advice}\n`,
  );
  process.exit(1);
}
const flagName = (flag: string) => flag.split('=')[0];
const given = new Set(process.execArgv.map(flagName));
const missing = NODE_FLAGS.filter((f) => !given.has(flagName(f)));
// Without execve (Windows) the agent runs on Node's defaults.
if (missing.length > 0 && process.execve) {
  const [, script = '', ...args] = process.argv;
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, script, ...args]);
}
await import('./cli.js');
