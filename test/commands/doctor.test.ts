import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockSkewSeconds, runDoctorCommand } from '../../src/commands/doctor.js';
import { loadConfig } from '../../src/config/config.js';
import { demo } from '../../src/simulator/scenarios/demo.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { freePort } from '../helpers/spawn-agent.js';
import { MODES, setMode } from '../helpers/sim-mode.js';

const ALL_PERMISSIONS = [
  'usage:organization:view',
  'usage:client:view',
  'oauth:client:view',
  'analytics:rateLimitAggregate:view',
  'usage:events:view',
];

let sim: RunningSimulator;
let withoutRateLimits: RunningSimulator;

async function doctor(
  env: Record<string, string>,
): Promise<{ code: number; text: string; failed: string[] }> {
  let text = '';
  const code = await runDoctorCommand(loadConfig(env), {
    write: (t: string) => (text += t),
    isTTY: false,
  });
  return { code, text, failed: text.split('\n').filter((l) => l.startsWith('✗')) };
}

const envFor = (s: RunningSimulator, secret = 'simulator-secret') => ({
  GENESYS_API_BASE_URL: s.url,
  GENESYS_LOGIN_BASE_URL: s.url,
  GENESYS_CLIENT_ID: 'simulator-agent',
  GENESYS_CLIENT_SECRET: secret,
});

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'steady' });
  withoutRateLimits = await startSimulator({
    scenario: {
      ...demo,
      agent: {
        ...demo.agent,
        permissions: ALL_PERMISSIONS.filter((p) => p !== 'analytics:rateLimitAggregate:view'),
      },
    },
  });
});

afterAll(async () => {
  await sim?.close();
  await withoutRateLimits?.close();
});

describe.each(MODES)('doctor against %s answers', (mode) => {
  beforeAll(async () => {
    await setMode(sim.url, mode);
    await setMode(withoutRateLimits.url, mode);
  });
  afterAll(async () => {
    await setMode(sim.url, 'full');
    await setMode(withoutRateLimits.url, 'full');
  });

  it('passes every check against the simulator', async () => {
    const r = await doctor(envFor(sim));
    expect(r.failed).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('fails on exactly the missing permission', async () => {
    const r = await doctor(envFor(withoutRateLimits));
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatch(/^✗ permission analytics:rateLimitAggregate:view/);
  });
});

describe('doctor', () => {
  it('passes every check against the simulator', async () => {
    const r = await doctor(envFor(sim));
    expect(r.failed).toEqual([]);
    expect(r.code).toBe(0);
    for (const title of [
      'configuration valid',
      'region reachable',
      'login works',
      'permission usage:organization:view',
      'permission oauth:client:view',
      'permission analytics:rateLimitAggregate:view',
      'permission usage:events:view',
      'limits readable',
      'clock in sync with the API',
    ]) {
      expect(r.text).toMatch(new RegExp(`^✓ ${title}`, 'm'));
    }
    expect(r.text).toContain('client.credentials.token.rate.per.minute = 300');
    expect(r.text).toMatch(/all 9 checks passed/);
  });

  it('fails on the login line with the fix when the secret is wrong, and never prints the secret', async () => {
    const r = await doctor(envFor(sim, 'not-the-secret-42'));
    expect(r.code).toBe(1);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatch(/^✗ login works — HTTP 400 invalid_client/);
    expect(r.text).toMatch(/✗ login works.*\n {4}fix: check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET/);
    expect(r.text).toMatch(/^- permission oauth:client:view .*skipped/m);
    expect(r.text).not.toContain('not-the-secret-42');
  });

  it('fails on exactly the missing permission with the fix', async () => {
    const r = await doctor(envFor(withoutRateLimits));
    expect(r.code).toBe(1);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatch(
      /^✗ permission analytics:rateLimitAggregate:view .*HTTP 403 missing\.any\.permissions/,
    );
    expect(r.text).toMatch(
      /rateLimitAggregate:view.*\n {4}fix: give the agent's OAuth client a role with analytics:rateLimitAggregate:view/,
    );
    expect(r.text).toMatch(/^✓ permission usage:events:view/m);
  });

  it('fails on the reachability line when the region does not answer', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await doctor({
      GENESYS_API_BASE_URL: closed,
      GENESYS_LOGIN_BASE_URL: closed,
      GENESYS_CLIENT_ID: 'x',
      GENESYS_CLIENT_SECRET: 'y',
    });
    expect(r.code).toBe(1);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatch(/^✗ region reachable — http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(r.text).toMatch(/\n {4}fix: check GENESYS_REGION/);
    expect(r.text).toMatch(/^- login works \(skipped: "region reachable" failed\)/m);
  });

  it('in demo mode says so and checks the embedded simulator', async () => {
    const r = await doctor({});
    expect(r.text).toMatch(/^DEMO MODE/m);
    expect(r.failed).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('on a TTY shows each step in progress, then overwrites it with a coloured result', async () => {
    let text = '';
    const code = await runDoctorCommand(loadConfig(envFor(sim)), {
      write: (t: string) => (text += t),
      isTTY: true,
    });
    expect(code).toBe(0);
    expect(text).toContain('… login works\r\u001b[2K\u001b[32m✓\u001b[0m login works');
  });

  it('computes clock skew from the Date header against the middle of the request', () => {
    const sent = Date.parse('2026-01-15T12:00:00.000Z');
    expect(clockSkewSeconds('Thu, 15 Jan 2026 12:00:45 GMT', sent, sent + 1000)).toBeCloseTo(45, 5);
    expect(clockSkewSeconds('Thu, 15 Jan 2026 11:59:00 GMT', sent, sent)).toBeCloseTo(-59.5, 5);
    expect(clockSkewSeconds('not a date', sent, sent)).toBeNull();
  });
});
