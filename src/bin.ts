#!/usr/bin/env node
/**
 * The `genesys-usage-agent` binary. It checks the Node version before anything of the agent is
 * loaded: its dependencies (undici 8, OpenTelemetry 3) fail at import time on older Node with a
 * stack trace, so this file has no static imports and loads the CLI only after the check.
 */

/** package.json `engines.node` (test/cli/bin.test.ts keeps them equal). */
const MIN_NODE = { major: 22, minor: 19 };

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN_NODE.major || (major === MIN_NODE.major && minor < MIN_NODE.minor)) {
  process.stderr.write(
    `genesys-usage-agent: needs Node.js ≥ ${MIN_NODE.major}.${MIN_NODE.minor} (this is ${process.version}); ` +
      'run it with npx genesys-usage-agent or npm start, which bring Node 24\n',
  );
  process.exit(1);
}
await import('./cli.js');
