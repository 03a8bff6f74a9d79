import type { AgentConfig } from '../config/config.js';
import { StopStack } from '../lifecycle/stop-stack.js';
import { openOrgRuntimes, orgsSnapshot, type OrgRuntimeDeps } from '../runtime/org.js';
import { systemClock, type Clock } from '../util/clock.js';
import { describeError } from '../util/logger.js';
import { createLogger } from '../util/pino.js';
import { forTerminal } from '../util/terminal.js';
import type { CommandOutput } from './output.js';
import { renderTable } from './table.js';

/** `once [--json]` (options parsed in cli.ts): one collection of every enabled source, printed, then exit. */
export async function runOnceCommand(
  config: AgentConfig,
  { json }: { json: boolean },
  out: CommandOutput = process.stdout,
  clock: Clock = systemClock,
  /** Genesys client overrides (tests: the usage job's first status check without a 1 s wait). */
  client?: OrgRuntimeDeps['client'],
): Promise<number> {
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const stack = new StopStack(logger);
  try {
    const { resolved, runtimes } = await openOrgRuntimes(
      config,
      { clock, logger, client, serve: false },
      stack,
    );
    if (resolved.simulator && !json)
      process.stderr.write(
        'DEMO MODE: no Genesys credentials configured; collecting from the embedded simulator\n',
      );
    let failed = false;
    for (const r of runtimes) {
      await r.clients.refresh(true).catch(() => {});
      const results = await Promise.allSettled(r.sources.map((s) => s.runOnce?.()));
      results.forEach((res, i) => {
        if (res.status === 'rejected') {
          failed = true;
          process.stderr.write(
            `${forTerminal(`${r.config.name}: ${r.sources[i]!.name} failed: ${describeError(res.reason)}`, 500)}\n`,
          );
        }
      });
    }
    const snapshot = orgsSnapshot(runtimes, clock.now(), config.mode === 'demo');
    out.write(
      json ? `${JSON.stringify(snapshot, null, 2)}\n` : renderTable(snapshot, { color: Boolean(out.isTTY) }),
    );
    return failed ? 1 : 0;
  } finally {
    await stack.close();
  }
}
