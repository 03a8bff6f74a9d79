/** The doctor's checklist: runs checks in order, skips those whose prerequisite failed, prints ✓/✗/- lines. */
import { describeError } from '../../util/logger.js';
import { forTerminal } from '../../util/terminal.js';
import type { CommandOutput } from '../output.js';
import type { Check, CheckResult } from './checks.js';

const MARKS = { ok: ['✓', 32], fail: ['✗', 31], skip: ['-', 0] } as const;

export class Checklist {
  passed = 0;
  failed = 0;
  skipped = 0;
  private readonly failedTitles = new Set<string>();
  constructor(private readonly out: CommandOutput) {}

  /** The mark leading a line, green or red on a TTY. */
  private mark(kind: keyof typeof MARKS): string {
    const [text, colour] = MARKS[kind];
    return this.out.isTTY && colour ? `\u001b[${colour}m${text}\u001b[0m` : text;
  }

  /** Most characters of one line: details quote Genesys answers and hosts. */
  private static readonly WIDTH = 300;

  /** One line, escaped and capped (a Genesys answer or a name must not drive the terminal); `mark` leads it as is. */
  line(text: string, mark = ''): void {
    this.out.write(`${mark}${forTerminal(text, Checklist.WIDTH)}\n`);
  }

  report(title: string, r: CheckResult): void {
    if (r.ok) this.passed += 1;
    else {
      this.failed += 1;
      this.failedTitles.add(title);
    }
    this.line(`${title}${r.detail ? ` — ${r.detail}` : ''}`, `${this.mark(r.ok ? 'ok' : 'fail')} `);
    if (!r.ok && r.fix) this.line(`    fix: ${r.fix}`);
  }

  async run(checks: Check[]): Promise<void> {
    this.failedTitles.clear();
    for (const c of checks) {
      if (c.needs && this.failedTitles.has(c.needs)) {
        this.failedTitles.add(c.title);
        this.skipped += 1;
        this.line(`${c.title} (skipped: "${c.needs}" failed)`, `${this.mark('skip')} `);
        continue;
      }
      // Progress for a slow network: a transient line a TTY overwrites with the result.
      if (this.out.isTTY) this.out.write(`… ${c.title}`);
      let r: CheckResult;
      try {
        r = await c.run();
      } catch (err) {
        r = {
          ok: false,
          detail: describeError(err),
          fix: 'check the network path to the region (proxy, firewall) and run doctor again',
        };
      }
      if (this.out.isTTY) this.out.write('\r\u001b[2K');
      this.report(c.title, r);
    }
  }
}
