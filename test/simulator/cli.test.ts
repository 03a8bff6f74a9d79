import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSimulateCommand } from '../../src/simulator/cli.js';
import { ScenarioError, loadScenario } from '../../src/simulator/index.js';
import { fetchTruth } from '../helpers/sim-truth.js';

function captureStd() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('simulate command', () => {
  it('serves the runaway scenario until SIGTERM, then resolves 0', async () => {
    const { out } = captureStd();
    const done = runSimulateCommand(['--scenario', 'runaway', '--port', '0']);
    await vi.waitFor(() => expect(out.join('')).toContain('listening on http://127.0.0.1:'));
    const url = /listening on (http:\/\/\S+)/.exec(out.join(''))![1]!;
    const truth = await fetchTruth(url);
    expect(truth.clients.map((c) => c.name)).toContain('Chatbot_Backend');
    process.emit('SIGTERM');
    await expect(done).resolves.toBe(0);
  });

  it('a bad scenario file resolves 2 with one stderr line naming the bad key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const file = join(dir, 'scenario.yaml');
    writeFileSync(
      file,
      'org: { id: o, name: O }\nagent: { clientId: a, clientSecret: s }\nclients:\n  - name: A\n  - name: B\n  - name: C\n    traffic: { profile: fast, rpm: 10 }\n',
    );
    const { err } = captureStd();
    await expect(runSimulateCommand(['--scenario', file, '--port', '0'])).resolves.toBe(2);
    const text = err.join('');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(text).toContain(
      `${file}: clients[2].traffic.profile: expected one of steady|ramp|burst|runaway, got "fast"`,
    );
  });

  it('bad arguments resolve 2', async () => {
    const { err } = captureStd();
    await expect(runSimulateCommand(['--port', 'abc'])).resolves.toBe(2);
    await expect(runSimulateCommand(['--bogus'])).resolves.toBe(2);
    expect(err).toHaveLength(2);
  });
});

describe('loadScenario', () => {
  it('names unknown keys and missing files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const file = join(dir, 's.json');
    writeFileSync(
      file,
      JSON.stringify({
        org: { id: 'o', name: 'O' },
        agent: { clientId: 'a', clientSecret: 's' },
        usage: { publish: 'daily' },
      }),
    );
    expect(() => loadScenario(file)).toThrow(
      new ScenarioError(`${file}: usage.publish: unknown key; remove it or check its spelling`),
    );
    expect(() => loadScenario(join(dir, 'missing.yaml'))).toThrow(ScenarioError);
  });

  it('names a misspelt top-level key instead of reporting the key it was meant to be as missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'orgg: { id: o, name: O }\nagent: { clientId: a, clientSecret: s }\n');
    expect(() => loadScenario(file)).toThrow(
      new ScenarioError(`${file}: orgg: unknown key; did you mean "org"?`),
    );
    // An unknown key with nothing missing keeps the plain advice.
    writeFileSync(file, 'org: { id: o, name: O }\nagent: { clientId: a, clientSecret: s }\nfautls: []\n');
    expect(() => loadScenario(file)).toThrow(
      new ScenarioError(`${file}: fautls: unknown key; remove it or check its spelling`),
    );
  });
});
