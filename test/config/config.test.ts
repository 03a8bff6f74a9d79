import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { configError } from '../helpers/config-error.js';
import { parseDuration } from '../../src/config/duration.js';
import { resolveRegion } from '../../src/config/regions.js';

const dir = mkdtempSync(join(tmpdir(), 'gua-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const live = {
  GENESYS_REGION: 'eu_west_1',
  GENESYS_CLIENT_ID: 'id-1',
  GENESYS_CLIENT_SECRET: 's3cr3t-value',
};

describe('durations and regions', () => {
  it('parses seconds and unit forms', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('15 minutes')).toBeUndefined();
    expect(parseDuration('m')).toBeUndefined();
  });
  it('accepts SDK keys, domains and API URLs', () => {
    expect(resolveRegion('us_east_1')).toBe('mypurecloud.com');
    expect(resolveRegion('mypurecloud.ie')).toBe('mypurecloud.ie');
    expect(resolveRegion('https://api.euw2.pure.cloud')).toBe('euw2.pure.cloud');
    expect(resolveRegion('mars_north_1')).toBeUndefined();
  });
});

describe('loadConfig', () => {
  it('defaults to demo mode with the documented defaults', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('demo');
    expect(c.port).toBe(9464);
    expect(c.host).toBe('0.0.0.0');
    expect(c.usageIntervalMs).toBe(900_000);
    expect(c.ratelimitsIntervalMs).toBe(60_000);
    expect(c.gateway).toBeNull();
    expect(c.otlp).toBeNull();
    expect(c.eventsToken).toBeNull();
  });

  it('builds one live org from the environment, hosts from the region', () => {
    const c = loadConfig({
      ...live,
      AGENT_PORT: '9999',
      AGENT_USAGE_INTERVAL: '5m',
      GENESYS_ORG_NAME: 'prod',
    });
    expect(c.mode).toBe('live');
    expect(c.port).toBe(9999);
    expect(c.usageIntervalMs).toBe(300_000);
    expect(c.orgs).toEqual([
      expect.objectContaining({
        name: 'prod',
        apiBaseUrl: 'https://api.mypurecloud.ie',
        loginBaseUrl: 'https://login.mypurecloud.ie',
        clientId: 'id-1',
      }),
    ]);
  });

  it('AGENT_POLL chooses the polled sources (none: a gateway-only replica)', () => {
    expect(loadConfig({}).poll).toEqual({ usage: true, ratelimits: true });
    expect(loadConfig({ AGENT_POLL: 'none' }).poll).toEqual({ usage: false, ratelimits: false });
    expect(loadConfig({ AGENT_POLL: 'usage' }).poll).toEqual({ usage: true, ratelimits: false });
    expect(loadConfig({ AGENT_POLL: ' ratelimits , usage ' }).poll).toEqual({
      usage: true,
      ratelimits: true,
    });
    expect(configError({ AGENT_POLL: 'usage,gateway' })).toMatch(
      /^AGENT_POLL: "gateway" is not a polled source/,
    );
  });

  it('reads secrets from *_FILE', () => {
    const c = loadConfig({
      GENESYS_REGION: 'us_east_1',
      GENESYS_CLIENT_ID: 'x',
      GENESYS_CLIENT_SECRET_FILE: file('secret', 'from-file\n'),
    });
    expect(c.orgs[0]!.clientSecret).toBe('from-file');
  });

  it('OTLP: the generic endpoint gets /v1/metrics, the metrics endpoint is used as is, headers parsed', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlp?.url).toBe(
      'http://collector:4318/v1/metrics',
    );
    const c = loadConfig({
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318/custom',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=x%3Dy',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
    });
    expect(c.otlp).toEqual({ url: 'http://c:4318/custom', headers: { a: '1', b: 'x=y' }, intervalMs: 5000 });
  });

  it.each([
    [{ GENESYS_CLIENT_ID: 'x', GENESYS_REGION: 'us_east_1' }, /^GENESYS_CLIENT_SECRET: required/],
    [{ GENESYS_CLIENT_SECRET: 'x' }, /^GENESYS_CLIENT_ID: required/],
    [{ ...live, GENESYS_REGION: 'mars_north_1' }, /^GENESYS_REGION: unknown region "mars_north_1"/],
    [{ ...live, GENESYS_REGION: undefined }, /^GENESYS_REGION: required/],
    [{ AGENT_USAGE_INTERVAL: 'soon' }, /^AGENT_USAGE_INTERVAL: "soon" is not a duration/],
    [{ AGENT_RATELIMITS_INTERVAL: '0s' }, /^AGENT_RATELIMITS_INTERVAL: 0s is out of range/],
    [{ AGENT_PORT: '70000' }, /^AGENT_PORT: "70000" is not a whole number/],
    [{ AGENT_PORT: '' }, /^AGENT_PORT: is set but empty/],
    [
      { AGENT_PORT: 'tcp://10.0.0.7:9464' },
      /^AGENT_PORT: "tcp:\/\/10\.0\.0\.7:9464" is a Kubernetes service link/,
    ],
    [
      { AGENT_GATEWAY_SHAPING: 'turbo', AGENT_GATEWAY_PORT: '8080' },
      /^AGENT_GATEWAY_SHAPING: "turbo" is not one of off, smooth/,
    ],
    [{ AGENT_GATEWAY_SHAPING: 'smooth' }, /^AGENT_GATEWAY_SHAPING: shaping needs the gateway/],
    [{ AGENT_LOG_LEVEL: 'loud' }, /^AGENT_LOG_LEVEL: "loud" is not one of/],
    [{ GENESYS_CLIENT_SECRET_FILE: '/nonexistent/secret' }, /^GENESYS_CLIENT_SECRET_FILE: cannot read/],
    // Secret-bearing settings (a URL may carry user:pass@, headers carry tokens): named, never shown.
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /^OTEL_EXPORTER_OTLP_ENDPOINT: the value is not a URL/],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' },
      /^OTEL_EXPORTER_OTLP_HEADERS: an entry is not key=value; use k=v,k2=v2$/,
    ],
    [{ AGENT_HOST: 'x'.repeat(5000) }, /^AGENT_HOST: longer than 4096/],
  ])('rejects %o with a message naming the variable', (env, message) => {
    const text = configError(env as NodeJS.ProcessEnv);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
    expect(text).not.toContain('s3cr3t-value');
  });

  it('listen addresses: an IP address or a host name, never a port, scheme or brackets', () => {
    for (const host of ['127.0.0.1', '::', '::1', 'localhost', 'agent.monitoring.svc'])
      expect(loadConfig({ AGENT_HOST: host }).host).toBe(host);
    expect(configError({ AGENT_HOST: 'localhost:9464' })).toMatch(
      /^AGENT_HOST: "localhost:9464" carries a port/,
    );
    expect(configError({ AGENT_HOST: '[::1]' })).toMatch(/^AGENT_HOST: "\[::1\]" has brackets/);
    expect(configError({ AGENT_HOST: 'https://x' })).toMatch(/^AGENT_HOST: "https:\/\/x" is a URL/);
    expect(configError({ AGENT_HOST: 'two words' })).toMatch(/^AGENT_HOST: "two words" is not an IP address/);
    expect(configError({ AGENT_GATEWAY_PORT: '0', AGENT_GATEWAY_HOST: 'h:1' })).toMatch(
      /^AGENT_GATEWAY_HOST: "h:1" carries a port; give the address alone and the port in AGENT_GATEWAY_PORT/,
    );
    expect(configError({ AGENT_GATEWAY_HOST: '127.0.0.1' })).toMatch(
      /^AGENT_GATEWAY_HOST: the address needs the gateway; set AGENT_GATEWAY_PORT too/,
    );
  });

  it('AGENT_DEMO_SCENARIO: a built-in name or a file that exists, checked without loading the simulator', () => {
    expect(loadConfig({ AGENT_DEMO_SCENARIO: 'runaway' }).demoScenario).toBe('runaway');
    const path = file('my-scenario.yaml', 'org: {}\n');
    expect(loadConfig({ AGENT_DEMO_SCENARIO: path }).demoScenario).toBe(path);
    expect(configError({ AGENT_DEMO_SCENARIO: 'dmeo' })).toMatch(/did you mean "demo"\?/);
    expect(configError({ AGENT_DEMO_SCENARIO: dir })).toMatch(
      /^AGENT_DEMO_SCENARIO: ".*" is neither a built-in/,
    );
  });

  it('reads several orgs from a YAML config file', () => {
    const path = file(
      'orgs.yaml',
      `orgs:\n  - name: eu\n    region: eu_west_1\n    clientId: a\n    clientSecret: sa\n    limits: { perClient: { c1: 500 } }\n  - name: us\n    apiBaseUrl: http://127.0.0.1:1/\n    loginBaseUrl: http://127.0.0.1:1\n    clientId: b\n    clientSecretFile: ${file('s2', 'sb')}\nport: 9000\nusageInterval: 10m\n`,
    );
    const c = loadConfig({ AGENT_CONFIG_FILE: path });
    expect(c.orgs.map((o) => [o.name, o.apiBaseUrl, o.clientSecret])).toEqual([
      ['eu', 'https://api.mypurecloud.ie', 'sa'],
      ['us', 'http://127.0.0.1:1', 'sb'],
    ]);
    expect(c.orgs[0]!.limitOverrides).toEqual({ c1: 500 });
    expect(c.port).toBe(9000);
    expect(c.usageIntervalMs).toBe(600_000);
  });

  it.each([
    ['unknown.yaml', 'prot: 9000\n', /unknown\.yaml: prot: unknown key; did you mean "port"\?/],
    [
      'nested.yaml',
      'orgs:\n  - name: a\n    region: us_east_1\n    clientID: x\n    clientSecret: y\n',
      /orgs\[0\]\.clientID: unknown key; did you mean "clientId"\?/,
    ],
    ['type.yaml', 'port: "nine"\n', /type\.yaml: port: /],
    // The whole message, up to the position and a fix: not cut at yaml's "column 1:".
    [
      'broken.yaml',
      'port: 1\nfoo\n',
      /broken\.yaml: not valid YAML\/JSON: .* at line 2, column 1; fix the file's syntax there$/,
    ],
    [
      'dup.yaml',
      'orgs:\n  - {name: a, region: us_east_1, clientId: x, clientSecret: y}\n  - {name: a, region: us_east_1, clientId: z, clientSecret: y}\n',
      /orgs\[1\]\.name: "a" is used twice; org names must be unique$/,
    ],
    [
      'unnamed.yaml',
      'orgs:\n  - {region: us_east_1, clientId: x, clientSecret: y}\n  - {region: us_east_1, clientId: z, clientSecret: y}\n',
      /unnamed\.yaml: orgs\[1\]\.name: "default" is used twice; give every org its own name \(orgs\[\]\.name\)$/,
    ],
    // The org's path is named once: its sibling keys go by their own name.
    [
      'nosecret.yaml',
      'orgs:\n  - {region: us_east_1, clientId: x}\n',
      /^[^:]*nosecret\.yaml: orgs\[0\]\.clientSecret: required when clientId is set; set it or clientSecretFile$/,
    ],
    [
      'nohost.yaml',
      'orgs:\n  - {clientId: x, clientSecret: y}\n',
      /nohost\.yaml: orgs\[0\]\.region: required \(e\.g\. mypurecloud\.com or us_east_1\), or set both apiBaseUrl and loginBaseUrl$/,
    ],
  ])('config file %s: one-line error with the key path', (name, text, message) => {
    expect(configError({ AGENT_CONFIG_FILE: file(name, text) })).toMatch(message);
  });

  // Cross-field mistakes made wholly in the file: the file is named once, by the subject.
  it.each([
    [
      'shaping.yaml',
      'gateway: {shaping: smooth}\n',
      '{file}: gateway.shaping: shaping needs the gateway; set AGENT_GATEWAY_PORT too',
    ],
    // An unset setting goes by its variable; the file is then named by the one that is set.
    [
      'tls.yaml',
      'tls: {keyFile: /k.pem}\n',
      'AGENT_TLS_CERT_FILE: required when {file}: tls.keyFile is set; set both for HTTPS',
    ],
    [
      'tls-both.yaml',
      `tls: {certFile: ${file('c.pem', 'x')}, keyFile: ${file('k.pem', 'y')}}\n`,
      /^{file}: tls\.certFile\/tls\.keyFile: not a usable PEM certificate and matching key/,
    ],
    [
      'same-port.yaml',
      'port: 9000\ngateway: {port: 9000}\n',
      "{file}: gateway.port: 9000 is also the agent's port (port); give the gateway another port",
    ],
    [
      'both-shards.yaml',
      'shard: 0/2\nshardTotal: 2\norgs:\n  - {name: a, region: us_east_1, clientId: x, clientSecret: y}\n',
      '{file}: shardTotal: set either shard=i/n or shardTotal with AGENT_POD_NAME, not both',
    ],
    [
      'pod.yaml',
      'podName: agent-0\norgs:\n  - {name: a, region: us_east_1, clientId: x, clientSecret: y}\n',
      "{file}: podName: takes the shard from the pod's ordinal only with AGENT_SHARD_TOTAL; set AGENT_SHARD_TOTAL too",
    ],
    [
      'service-link.yaml',
      'port: tcp://10.0.0.7:9464\n',
      '{file}: port: "tcp://10.0.0.7:9464" is a Kubernetes service link, not a port; set port explicitly or use enableServiceLinks: false',
    ],
    [
      'sharded-gateway.yaml',
      'shard: 0/2\ngateway: {port: 0}\norgs:\n  - {name: a, region: us_east_1, clientId: x, clientSecret: y}\n',
      '{file}: gateway.port: the gateway stays with its one org, which sharding may give another replica; run it in an unsharded agent (unset shard and AGENT_SHARD_TOTAL)',
    ],
  ])('config file %s: a cross-field error names the file once', (name, text, message) => {
    const path = file(name, text);
    const got = configError({ AGENT_CONFIG_FILE: path });
    if (typeof message === 'string') expect(got).toBe(message.replace('{file}', path));
    else expect(got.replace(path, '{file}')).toMatch(message);
  });

  it('warns about unknown variables under AGENT_ and GENESYS_, with the closest setting', () => {
    expect(
      loadConfig({
        AGENT_GATWAY_PORT: '8080',
        GENESYS_CLIENTID: 'x',
        AGENT_XYZZY: '1',
        // Not the agent's: other prefixes, and the variables Kubernetes makes for a Service.
        OTEL_SDK_DISABLED: 'true',
        PATH: '/bin',
        GENESYS_USAGE_AGENT_PORT: 'tcp://10.0.0.1:9464',
        GENESYS_USAGE_AGENT_SERVICE_HOST: '10.0.0.1',
        GENESYS_USAGE_AGENT_SERVICE_PORT_HTTP: '9464',
        GENESYS_USAGE_AGENT_PORT_9464_TCP_ADDR: '10.0.0.1',
      }).warnings,
    ).toEqual([
      'AGENT_GATWAY_PORT: not a setting, ignored; did you mean AGENT_GATEWAY_PORT?',
      'AGENT_XYZZY: not a setting, ignored; see the settings in README.md',
      'GENESYS_CLIENTID: not a setting, ignored; did you mean GENESYS_CLIENT_ID?',
    ]);
    expect(loadConfig({ ...live, AGENT_PORT: '9000' }).warnings).toEqual([]);
    // Hostile names: cut short, control characters spelt out, at most ten lines.
    const many = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`AGENT_X${i}\u001b${'Y'.repeat(i * 1000)}`, '1']),
    );
    const warnings = loadConfig(many).warnings;
    expect(warnings).toHaveLength(10);
    for (const w of warnings) {
      expect(w.length).toBeLessThan(200);
      expect(w).not.toMatch(/\p{Cc}/u);
    }
  });

  it.each([
    [{ GENESYS_REGION: 'mypurecloud.ie' }, 'GENESYS_REGION'],
    [{ GENESYS_ORG_NAME: 'prod' }, 'GENESYS_ORG_NAME'],
    [{ GENESYS_API_BASE_URL: 'http://127.0.0.1:1' }, 'GENESYS_API_BASE_URL'],
    [{ GENESYS_CLIENT_SECRET: 's' }, 'GENESYS_CLIENT_SECRET'],
  ])('an org setting without GENESYS_CLIENT_ID is an error, not the demo (%o)', (env, name) => {
    expect(configError(env)).toMatch(new RegExp(`^GENESYS_CLIENT_ID: required when ${name} is set; `));
  });

  it('refuses GENESYS_* variables and file orgs together, and a gateway with several orgs', () => {
    const path = file(
      'one.yaml',
      'orgs:\n  - {name: a, region: us_east_1, clientId: x, clientSecret: y}\n  - {name: b, region: us_east_1, clientId: z, clientSecret: y}\n',
    );
    expect(configError({ ...live, AGENT_CONFIG_FILE: path })).toMatch(/^GENESYS_CLIENT_ID: set either/);
    expect(configError({ AGENT_CONFIG_FILE: path, AGENT_GATEWAY_PORT: '8080' })).toMatch(
      /^AGENT_GATEWAY_PORT: the gateway forwards to one org/,
    );
  });
});
