/**
 * Strings from Genesys reach the operator's terminal through `once` and `doctor` (client names,
 * error codes, last errors): the built CLI prints them escaped and width-capped, so no escape
 * sequence, bell, carriage return, newline, C1 control or bidi override gets through and a 64 KiB
 * name does not make a 65 000-column table. `once --json` keeps the full value, as JSON.
 *
 * @module-tag system
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientsSnapshot } from '../../src/server/snapshot.js';
import { demo } from '../../src/simulator/scenarios/demo.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { spawnCli } from '../helpers/spawn-agent.js';

const LONG = `Long${'W'.repeat(64 * 1024)}`;
/** Spellings of terminal control: OSC title + BEL, CSI clear, CR overwrite, a faked row, NUL, C1 CSI, DEL, bidi, separators. */
const HOSTILE = [
  '\u001b]0;pwned\u0007Title',
  '\u001b[2J\u001b[HClear',
  'Over\rwrite',
  'Fake\n!  Admin_Bot  c-fake  1  1  1  100%',
  'Nul\u0000Byte',
  'C1\u009b31mRed\u0085Next',
  'Del\u007fete',
  'Bidi\u202eevil\u2066x\u2069',
  'Line\u2028Para\u2029Sep',
  'Tab\tbed',
  LONG,
];

/** Any byte a terminal acts on, other than the newlines that end lines. */
const CONTROL = /(?!\n)[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** One demo-shaped client per hostile name (ids and secrets derived from the name). */
const CLIENTS = HOSTILE.map((name, i) => {
  const { id: _id, secret: _secret, ...shape } = demo.clients![i % demo.clients!.length]!;
  return { ...shape, name };
});

let sim: RunningSimulator;
let hostileGenesys: Server;
let hostileUrl: string;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { ...demo, clients: CLIENTS },
  });
  // A "Genesys" whose every answer carries a hostile error code.
  hostileGenesys = createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: `\u001b]0;owned\u0007bad\r\n✓ all checks passed${'E'.repeat(70_000)}` }));
  });
  await new Promise<void>((r) => hostileGenesys.listen(0, '127.0.0.1', r));
  hostileUrl = `http://127.0.0.1:${(hostileGenesys.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await new Promise((r) => hostileGenesys?.close(r));
});

async function cli(args: string[], env: Record<string, string>) {
  const run = spawnCli(args, { AGENT_LOG_LEVEL: 'silent', ...env });
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

function expectSafe(text: string, maxLine: number) {
  expect(text).not.toMatch(CONTROL);
  for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(maxLine);
}

describe('strings from Genesys in a terminal', () => {
  it('once prints hostile client names escaped, one row each, width-capped', async () => {
    const r = await cli(['once'], simulatorEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    expectSafe(r.stdout, 400);
    expectSafe(r.stderr, 600);
    // Visible, not acted on.
    expect(r.stdout).toContain('\\u001b]0;pwned\\u0007Title');
    expect(r.stdout).toContain('Over\\u000dwrite');
    expect(r.stdout).toContain('Bidi\\u202eevil');
    expect(r.stdout).toContain('C1\\u009b31mRed');
    expect(r.stdout).toContain('LongWWW');
    expect(r.stdout).toMatch(/LongW+…/);
    // No faked row: the header plus exactly one row per client.
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => l.includes('CLIENT ID'));
    const rows = lines.slice(header + 1).filter((l) => /^[ !~] {2}\S/.test(l));
    expect(rows).toHaveLength(HOSTILE.length);
    expect(r.stdout).not.toMatch(/^!\s+Admin_Bot/m);
  });

  it('once --json keeps the full values, as valid JSON', async () => {
    const r = await cli(['once', '--json'], simulatorEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    const snapshot = JSON.parse(r.stdout) as ClientsSnapshot;
    const names = snapshot.orgs[0]!.clients.map((c) => c.clientName);
    for (const name of HOSTILE) expect(names).toContain(name);
  });

  it('doctor and once print a hostile Genesys error code escaped and capped', async () => {
    const env = simulatorEnv({ url: hostileUrl });
    const doctor = await cli(['doctor'], env);
    expect(doctor.code).toBe(1);
    expectSafe(doctor.stdout + doctor.stderr, 400);
    expect(doctor.stdout).toContain('\\u001b]0;owned\\u0007bad\\u000d\\u000a');
    expect(doctor.stdout).not.toMatch(/^✓ all checks passed/m);
    const once = await cli(['once'], env);
    expectSafe(once.stdout + once.stderr, 600);
  });

  it('CLI error lines escape what the operator typed', async () => {
    const r = await cli(['\u001b]0;x\u0007cmd'], {});
    expect(r.code).toBe(2);
    expectSafe(r.stderr, 200);
    expect(r.stderr).toContain('unknown command "\\u001b]0;x\\u0007cmd"');
  });
});
