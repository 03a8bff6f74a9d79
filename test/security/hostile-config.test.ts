/**
 * Hostile configuration through the built CLI: every mistake ends with exit code 2 and exactly one
 * stderr line naming the field (and the fix where one exists), no stack trace, no secret echoed.
 *
 * @module-tag system
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPlacesNamedOnce } from '../helpers/config-error.js';
import { requireBuiltCli } from '../helpers/spawn-agent.js';

const SECRET = 'hostile-secret-7Hq2';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agent-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function run(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [requireBuiltCli(), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A config mistake must stop the process before it listens; a hang here is a failure too.
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

const creds = { GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: SECRET, GENESYS_REGION: 'mypurecloud.ie' };

interface Case {
  name: string;
  env: () => Record<string, string>;
  /** The one line must match this (field named, fix given). */
  says: RegExp;
}

const CASES: Case[] = [
  {
    name: 'unknown top-level key in the file',
    env: () => ({ AGENT_CONFIG_FILE: file('a.yaml', 'usageIntervall: 15m\n') }),
    says: /usageIntervall: unknown key; did you mean "usageInterval"\?/,
  },
  {
    name: 'unknown key inside an org',
    env: () => ({
      AGENT_CONFIG_FILE: file(
        'b.yaml',
        `orgs:\n  - name: a\n    region: mypurecloud.ie\n    clientId: x\n    clientSecert: ${SECRET}\n`,
      ),
    }),
    says: /orgs\[0\]\.clientSecert: unknown key; did you mean "clientSecret"\?/,
  },
  {
    name: 'wrong type in the file',
    env: () => ({ AGENT_CONFIG_FILE: file('c.yaml', 'port: "nine"\n') }),
    says: /port: .*number/i,
  },
  {
    name: 'file that is not YAML',
    env: () => ({ AGENT_CONFIG_FILE: file('d.yaml', 'orgs: [\n  - : :\n{') }),
    says: /d\.yaml: not valid YAML\/JSON/,
  },
  {
    name: 'YAML alias bomb',
    env: () => ({
      AGENT_CONFIG_FILE: file(
        'e.yaml',
        `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
      ),
    }),
    says: /e\.yaml: /,
  },
  {
    name: 'missing config file',
    env: () => ({ AGENT_CONFIG_FILE: join(dir, 'nope.yaml') }),
    says: /AGENT_CONFIG_FILE: cannot read .*ENOENT/,
  },
  {
    name: 'port not a number',
    env: () => ({ AGENT_PORT: 'eighty' }),
    says: /AGENT_PORT: "eighty" is not a whole number between 0 and 65535/,
  },
  {
    name: 'huge port',
    env: () => ({ AGENT_PORT: '9'.repeat(400) }),
    says: /AGENT_PORT: .* is not a whole number/,
  },
  {
    name: 'empty string',
    env: () => ({ AGENT_LOG_LEVEL: '' }),
    says: /AGENT_LOG_LEVEL: is set but empty; give it a value or unset it/,
  },
  {
    name: 'unknown log level',
    env: () => ({ AGENT_LOG_LEVEL: 'loud' }),
    says: /AGENT_LOG_LEVEL: "loud" is not one of fatal, error/,
  },
  {
    name: 'huge interval',
    env: () => ({ AGENT_USAGE_INTERVAL: '99999999d' }),
    says: /AGENT_USAGE_INTERVAL: 99999999d is out of range; use between 1s and 7d/,
  },
  {
    name: 'huge string',
    env: () => ({ AGENT_DEMO_SCENARIO: 'x'.repeat(100_000) }),
    says: /AGENT_DEMO_SCENARIO: longer than 4096 characters/,
  },
  {
    name: 'control characters in a value',
    env: () => ({ AGENT_PORT: '80\n\u001b[31mred\u0007' }),
    says: /AGENT_PORT: "80\\u000a\\u001b\[31mred\\u0007" is not a whole number/,
  },
  {
    name: 'secret without its id',
    env: () => ({ GENESYS_CLIENT_SECRET: SECRET }),
    says: /GENESYS_CLIENT_ID: required when GENESYS_CLIENT_SECRET is set/,
  },
  {
    name: 'unreadable secret file',
    env: () => ({ ...creds, GENESYS_CLIENT_SECRET_FILE: join(dir, 'missing-secret') }),
    says: /GENESYS_CLIENT_SECRET_FILE: cannot read/,
  },
  {
    name: 'unknown region',
    env: () => ({ ...creds, GENESYS_REGION: 'mars_north_1' }),
    says: /GENESYS_REGION: unknown region "mars_north_1"/,
  },
  {
    name: 'non-http API URL',
    env: () => ({ ...creds, GENESYS_API_BASE_URL: 'ftp://x', GENESYS_LOGIN_BASE_URL: 'https://login.x' }),
    says: /GENESYS_API_BASE_URL: must be an http\(s\) URL/,
  },
  {
    name: 'half a TLS pair',
    env: () => ({ AGENT_TLS_KEY_FILE: file('k.pem', 'x') }),
    says: /AGENT_TLS_CERT_FILE: required when AGENT_TLS_KEY_FILE is set/,
  },
  {
    name: 'TLS files that are not PEM',
    env: () => ({ AGENT_TLS_KEY_FILE: file('k2.pem', 'x'), AGENT_TLS_CERT_FILE: file('c2.pem', 'y') }),
    says: /AGENT_TLS_CERT_FILE\/AGENT_TLS_KEY_FILE: not a usable PEM/,
  },
  {
    name: 'basic-auth file without a colon',
    env: () => ({ AGENT_AUTH_BASIC_FILE: file('users', `${SECRET}\n`) }),
    says: /AGENT_AUTH_BASIC_FILE: line 1 of .* is not user:password/,
  },
  {
    name: 'events rate limit of zero',
    env: () => ({ AGENT_EVENTS_RATE_LIMIT: '0' }),
    says: /AGENT_EVENTS_RATE_LIMIT: "0" is not a whole number between 1 and 1000000/,
  },
  // Values that used to pass configuration and fail later (exit 1, a log line) or much later.
  {
    name: 'misspelt demo scenario',
    env: () => ({ AGENT_DEMO_SCENARIO: 'dmeo', AGENT_PORT: '0' }),
    says: /AGENT_DEMO_SCENARIO: "dmeo" is neither a built-in scenario nor a file; did you mean "demo"\?/,
  },
  {
    name: 'demo scenario file that is not a scenario',
    env: () => ({
      AGENT_DEMO_SCENARIO: file('scenario.yaml', 'just text\n'),
      AGENT_PORT: '0',
      AGENT_HOST: '127.0.0.1',
    }),
    says: /AGENT_DEMO_SCENARIO: .*scenario\.yaml: /,
  },
  {
    name: 'host with a port',
    env: () => ({ AGENT_HOST: 'localhost:9464' }),
    says: /AGENT_HOST: "localhost:9464" carries a port; give the address alone and the port in AGENT_PORT/,
  },
  {
    name: 'host as a URL',
    env: () => ({ AGENT_HOST: 'http://127.0.0.1' }),
    says: /AGENT_HOST: "http:\/\/127\.0\.0\.1" is a URL; give the address alone/,
  },
  {
    name: 'host that is not an address of this machine',
    env: () => ({
      ...creds,
      GENESYS_API_BASE_URL: 'http://127.0.0.1:9',
      GENESYS_LOGIN_BASE_URL: 'http://127.0.0.1:9',
      AGENT_HOST: '203.0.113.7',
      AGENT_PORT: '0',
    }),
    // The gateway is off here: only the setting in use is named.
    says: /configuration error: AGENT_HOST: .*EADDRNOTAVAIL.*; use an address of this machine/,
  },
  {
    name: 'gateway port out of range',
    env: () => ({ AGENT_GATEWAY_PORT: '70000' }),
    says: /AGENT_GATEWAY_PORT: "70000" is not a whole number between 0 and 65535/,
  },
  {
    name: 'gateway port equal to the agent port',
    env: () => ({ AGENT_GATEWAY_PORT: '9464' }),
    says: /AGENT_GATEWAY_PORT: 9464 is also the agent's port \(AGENT_PORT\); give the gateway another port/,
  },
  {
    name: 'interval of zero',
    env: () => ({ AGENT_USAGE_INTERVAL: '0' }),
    says: /AGENT_USAGE_INTERVAL: 0 is out of range; use between 1s and 7d/,
  },
  {
    name: 'export interval beyond what a timer holds',
    env: () => ({ OTEL_METRIC_EXPORT_INTERVAL: '99999999999' }),
    says: /OTEL_METRIC_EXPORT_INTERVAL: "99999999999" must be milliseconds, at least 100 \(at most 7 days\)/,
  },
  {
    name: 'TLS certificate file that does not exist',
    env: () => ({ AGENT_TLS_CERT_FILE: join(dir, 'missing.pem'), AGENT_TLS_KEY_FILE: file('k3.pem', 'x') }),
    says: /AGENT_TLS_CERT_FILE: cannot read .*missing\.pem \(ENOENT\)/,
  },
  {
    name: 'malformed %-escape in resource attributes',
    env: () => ({ OTEL_RESOURCE_ATTRIBUTES: 'team=a%zz' }),
    says: /OTEL_RESOURCE_ATTRIBUTES: "team=a%zz" has a malformed %-escape; encode % as %25/,
  },
  // Secret-bearing settings: the setting and the expected form, never the value.
  {
    name: 'OTLP headers written as an HTTP header line',
    env: () => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization: Bearer ${SECRET}`,
    }),
    says: /OTEL_EXPORTER_OTLP_HEADERS: an entry is not key=value; use k=v,k2=v2$/,
  },
  {
    name: 'OTLP endpoint with credentials and a bad port',
    env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://admin:${SECRET}@collector:99999` }),
    says: /OTEL_EXPORTER_OTLP_ENDPOINT: the value is not a URL; use e\.g\. /,
  },
  {
    name: 'API URL with credentials and another scheme',
    env: () => ({
      ...creds,
      GENESYS_API_BASE_URL: `ftp://u:${SECRET}@x`,
      GENESYS_LOGIN_BASE_URL: 'https://login.x',
    }),
    says: /GENESYS_API_BASE_URL: must be an http\(s\) URL/,
  },
  {
    name: 'auth token with a space',
    env: () => ({ AGENT_AUTH_TOKEN: `${SECRET} two` }),
    says: /AGENT_AUTH_TOKEN: the value must be one word of visible ASCII characters/,
  },
  // Files a typo can name: refused at once, whatever their kind (a FIFO used to hang start-up,
  // /dev/zero to eat gigabytes, 100 000 orgs to take 1.6 GB).
  {
    name: 'secret file that is a FIFO',
    env: () => ({ ...creds, GENESYS_CLIENT_SECRET_FILE: fifo('secret-fifo') }),
    says: /GENESYS_CLIENT_SECRET_FILE: .*secret-fifo is a FIFO, not a regular file/,
  },
  {
    name: 'secret file that is /dev/zero',
    env: () => ({ ...creds, GENESYS_CLIENT_SECRET_FILE: '/dev/zero' }),
    says: /GENESYS_CLIENT_SECRET_FILE: \/dev\/zero is a device, not a regular file/,
  },
  {
    name: 'events token file over 64 KiB',
    env: () => ({ AGENT_EVENTS_TOKEN_FILE: file('token', 'x'.repeat(65 * 1024)) }),
    says: /AGENT_EVENTS_TOKEN_FILE: .*token is larger than 64 KiB/,
  },
  {
    name: 'config file that is a directory',
    env: () => ({ AGENT_CONFIG_FILE: dir }),
    says: /AGENT_CONFIG_FILE: .* is a directory, not a regular file/,
  },
  {
    name: 'config file that is /dev/zero',
    env: () => ({ AGENT_CONFIG_FILE: '/dev/zero' }),
    says: /AGENT_CONFIG_FILE: \/dev\/zero is a device/,
  },
  {
    name: 'config file over 1 MiB',
    env: () => ({ AGENT_CONFIG_FILE: file('huge.yaml', `# ${'x'.repeat(2 * 1024 * 1024)}\nport: 1\n`) }),
    says: /AGENT_CONFIG_FILE: .*huge\.yaml is larger than 1024 KiB/,
  },
  {
    name: 'config file with more orgs than the cap',
    env: () => ({
      AGENT_CONFIG_FILE: file(
        'orgs.json',
        JSON.stringify({ orgs: Array.from({ length: 20_000 }, (_, i) => ({ name: `o${i}` })) }),
      ),
    }),
    says: /orgs\.json: orgs: 20000 orgs, more than 1000; split them across agents/,
  },
  {
    name: 'TLS certificate that is a FIFO',
    env: () => ({ AGENT_TLS_CERT_FILE: fifo('cert-fifo'), AGENT_TLS_KEY_FILE: file('k4.pem', 'x') }),
    says: /AGENT_TLS_CERT_FILE: .*cert-fifo is a FIFO/,
  },
  {
    name: 'TLS key that is /dev/zero',
    env: () => ({ AGENT_TLS_CERT_FILE: file('c4.pem', 'x'), AGENT_TLS_KEY_FILE: '/dev/zero' }),
    says: /AGENT_TLS_KEY_FILE: \/dev\/zero is a device/,
  },
  {
    name: 'basic-auth file that is a FIFO',
    env: () => ({ AGENT_AUTH_BASIC_FILE: fifo('users-fifo') }),
    says: /AGENT_AUTH_BASIC_FILE: .*users-fifo is a FIFO/,
  },
  {
    name: 'demo scenario file over 1 MiB',
    env: () => ({
      AGENT_DEMO_SCENARIO: file('big-scenario.yaml', `# ${'x'.repeat(2 * 1024 * 1024)}\n`),
      AGENT_PORT: '0',
      AGENT_HOST: '127.0.0.1',
    }),
    says: /AGENT_DEMO_SCENARIO: .*big-scenario\.yaml is larger than 1024 KiB/,
  },
  {
    name: 'secret in the config file with a control character',
    env: () => ({ AGENT_CONFIG_FILE: file('s.yaml', `eventsToken: "${SECRET}\\u0007"\n`) }),
    says: /s\.yaml: eventsToken: the value contains a control character/,
  },
];

describe('hostile configuration → exit 2, one line', () => {
  it.concurrent.each(CASES)('$name', async ({ env, says }) => {
    const r = await run(env());
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^genesys-usage-agent: configuration error: /);
    expect(lines[0]).toMatch(says);
    expect(lines[0]!.length).toBeLessThan(400);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    expect(r.stdout).toBe('');
    expectPlacesNamedOnce(lines[0]!);
  });

  // Escaped once, where the line is written (say()): an escape sequence is spelt out as \u001b, and a
  // value that already spells one out (a backslash, then u0007) shows as typed, never as \\u0007.
  it('a hostile value in a configuration error is escaped exactly once, from the environment and the file', async () => {
    const expected = (name: string) =>
      `genesys-usage-agent: configuration error: ${name}: "\\u001b[31mloud\\u0007" is not one of fatal, error, warn, info, debug, trace, silent\n`;
    const fromEnv = await run({ AGENT_LOG_LEVEL: '\u001b[31mloud\\u0007' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toBe(expected('AGENT_LOG_LEVEL'));
    const path = file('escape.yaml', 'logLevel: "\\e[31mloud\\\\u0007"\n');
    const fromFile = await run({ AGENT_CONFIG_FILE: path });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toBe(expected(`${path}: logLevel`));
  });

  it('the once and doctor commands refuse the same mistakes the same way', async () => {
    for (const cmd of ['once', 'doctor']) {
      const r = await run({ AGENT_PORT: 'eighty' }, [cmd]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
