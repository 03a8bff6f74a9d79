/**
 * `doctor`: a checklist of what the agent needs from Genesys Cloud — reachability, login, each
 * permission the sources need, the limits, the clock — with a concrete fix for every failure.
 *
 * It probes with plain undici requests rather than GenesysClient on purpose: a diagnosis needs the
 * raw status, the error `code` and the `Date` header of one attempt, without retries or budgets.
 */
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { AgentConfig, OrgConfig } from '../config/config.js';
import { limitsListSchema, tokenResponseSchema } from '../genesys/schemas.js';
import { resolveOrgs } from '../demo/index.js';
import { CLIENT_TOKEN_LIMIT_KEY } from '../sources/limits/index.js';
import { describeError } from '../util/logger.js';

export interface CommandOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CheckResult {
  ok: boolean;
  detail?: string;
  fix?: string;
}

interface Check {
  title: string;
  /** Title of an earlier check this one needs; it is skipped when that one failed. */
  needs?: string;
  run(): Promise<CheckResult>;
}

/** Larger skews break token expiry and the usage intervals' day boundaries. */
export const MAX_CLOCK_SKEW_SECONDS = 30;
const TIMEOUT_MS = 10_000;

const errorBodySchema = z
  .object({ code: z.string().optional(), error: z.string().optional(), message: z.string().optional() })
  .loose();

interface ProbeResponse {
  status: number;
  code: string | undefined;
  body: unknown;
  /** `Date` header and the local times around the request, for the clock check. */
  date: string | undefined;
  sentMs: number;
  receivedMs: number;
}

/** Server clock minus local clock in seconds, from a `Date` header (1 s resolution) and the request's midpoint. */
export function clockSkewSeconds(dateHeader: string, sentMs: number, receivedMs: number): number | null {
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return null;
  const local = (sentMs + receivedMs) / 2;
  // The header truncates to whole seconds: compare against the middle of that second.
  return (server + 500 - local) / 1000;
}

class Prober {
  private readonly dispatcher = new Agent({
    connect: { timeout: 5_000 },
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  token: string | null = null;
  lastDate: ProbeResponse | null = null;

  constructor(private readonly org: OrgConfig) {}

  async send(
    base: 'api' | 'login',
    method: 'GET' | 'POST',
    path: string,
    opts: { json?: unknown; form?: string; basic?: boolean } = {},
  ): Promise<ProbeResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = opts.form;
    }
    if (opts.basic)
      headers.authorization = `Basic ${Buffer.from(`${this.org.clientId}:${this.org.clientSecret}`).toString('base64')}`;
    else if (this.token) headers.authorization = `Bearer ${this.token}`;
    const url = new URL(path, base === 'api' ? this.org.apiBaseUrl : this.org.loginBaseUrl);
    const sentMs = Date.now();
    const res = await request(url, {
      method,
      headers,
      body,
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.body.text();
    const receivedMs = Date.now();
    const parsed = parseJson(text);
    const err = errorBodySchema.safeParse(parsed);
    const date = typeof res.headers.date === 'string' ? res.headers.date : undefined;
    const out: ProbeResponse = {
      status: res.statusCode,
      code: err.success ? (err.data.code ?? err.data.error) : undefined,
      body: parsed,
      date,
      sentMs,
      receivedMs,
    };
    if (date) this.lastDate = out;
    return out;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null; // a non-JSON answer (proxy page, HTML error) is judged by its status alone
  }
}

const described = (r: ProbeResponse) => `HTTP ${r.status}${r.code ? ` ${r.code}` : ''}`;

/** A permission check: call the endpoint that needs it and read a 403 `missing.any.permissions`. */
function permissionCheck(
  permission: string,
  purpose: string,
  call: () => Promise<ProbeResponse>,
  fallback?: () => Promise<ProbeResponse>,
): Check {
  return {
    title: `permission ${permission} (${purpose})`,
    needs: 'login works',
    async run() {
      let r = await call();
      if (r.status === 403 && fallback) {
        const legacy = await fallback();
        if (legacy.status < 300)
          return { ok: true, detail: 'only the legacy Usage API is allowed; the agent falls back to it' };
        r = legacy;
      }
      if (r.status < 300) return { ok: true };
      if (r.status === 403) {
        return {
          ok: false,
          detail: `${described(r)}: the agent's OAuth client lacks ${permission}`,
          fix: `give the agent's OAuth client a role with ${permission} (Admin > Roles/Permissions, then the client's Roles tab); new roles apply to new tokens`,
        };
      }
      return {
        ok: false,
        detail: `${described(r)} from the endpoint that needs ${permission}`,
        fix: 'run doctor again; if it persists, check status.mypurecloud.com and the agent log',
      };
    },
  };
}

function orgChecks(org: OrgConfig, p: Prober): Check[] {
  const hour = () => {
    const now = Date.now();
    return `${new Date(now - 3_600_000).toISOString()}/${new Date(now).toISOString()}`;
  };
  const day = () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    return `${yesterday}/${today}`;
  };
  const hosts = [...new Set([org.apiBaseUrl, org.loginBaseUrl])];
  return [
    {
      title: 'region reachable',
      async run() {
        const seen: string[] = [];
        for (const host of hosts) {
          try {
            const r = await p.send(
              host === org.apiBaseUrl ? 'api' : 'login',
              'GET',
              host === org.apiBaseUrl ? '/api/v2/tokens/me' : '/',
            );
            seen.push(`${host} answered HTTP ${r.status}`);
          } catch (err) {
            return {
              ok: false,
              detail: `${host}: ${describeError(err)}`,
              fix: 'check GENESYS_REGION (e.g. mypurecloud.ie or eu_west_1) or GENESYS_API_BASE_URL/GENESYS_LOGIN_BASE_URL, DNS, the firewall and any HTTPS proxy',
            };
          }
        }
        return { ok: true, detail: seen.join('; ') };
      },
    },
    {
      title: 'login works',
      needs: 'region reachable',
      async run() {
        const r = await p.send('login', 'POST', '/oauth/token', {
          form: 'grant_type=client_credentials',
          basic: true,
        });
        const token = tokenResponseSchema.safeParse(r.body);
        if (r.status === 200 && token.success) {
          p.token = token.data.access_token;
          return { ok: true, detail: `client ${org.clientId}, token valid for ${token.data.expires_in} s` };
        }
        if (r.status === 400 || r.status === 401) {
          return {
            ok: false,
            detail: `${described(r)}: the login was refused for client ${org.clientId}`,
            fix: 'check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (or GENESYS_CLIENT_SECRET_FILE): a Client Credentials OAuth client of this org and region',
          };
        }
        return {
          ok: false,
          detail: `${described(r)} from ${org.loginBaseUrl}/oauth/token`,
          fix: 'check GENESYS_LOGIN_BASE_URL/GENESYS_REGION points at the login host of your region',
        };
      },
    },
    permissionCheck(
      'usage:organization:view',
      'usage source',
      () =>
        p.send('api', 'POST', '/api/v2/usage/aggregates/query/jobs', {
          json: { interval: day(), granularity: 'Day', groupBy: ['OauthClientId'], metrics: ['Requests'] },
        }),
      () =>
        p.send('api', 'POST', '/api/v2/usage/query', {
          json: { interval: day(), granularity: 'Day', groupBy: ['OAuthClientId'], metrics: ['Requests'] },
        }),
    ),
    permissionCheck('oauth:client:view', 'client names', () => p.send('api', 'GET', '/api/v2/oauth/clients')),
    permissionCheck('analytics:rateLimitAggregate:view', 'ratelimits source', () =>
      p.send('api', 'POST', '/api/v2/analytics/ratelimits/aggregates/query', {
        json: {
          interval: hour(),
          groupBy: ['namespace', 'limitName', 'entityId'],
          metrics: ['oRateLimitRecorded'],
        },
      }),
    ),
    permissionCheck('usage:events:view', 'operational events', () =>
      p.send('api', 'POST', '/api/v2/usage/events/query?pageSize=1', { json: { interval: hour() } }),
    ),
    {
      title: 'limits readable',
      needs: 'login works',
      async run() {
        const r = await p.send('api', 'GET', '/api/v2/organizations/limits/namespaces/platform.api');
        const limits = limitsListSchema.safeParse(r.body);
        if (r.status !== 200 || !limits.success) {
          return {
            ok: false,
            detail: `${described(r)} from GET /api/v2/organizations/limits/namespaces/platform.api`,
            fix: 'the agent then assumes 300 req/min per token; set per-client limits in AGENT_CONFIG_FILE (orgs[].limits.perClient) if yours differ',
          };
        }
        const value = limits.data.entities.find((e) => e.key === CLIENT_TOKEN_LIMIT_KEY)?.value;
        return {
          ok: true,
          detail:
            value === undefined
              ? `${CLIENT_TOKEN_LIMIT_KEY} not listed; the default 300 applies`
              : `${CLIENT_TOKEN_LIMIT_KEY} = ${value}`,
        };
      },
    },
    {
      title: 'clock in sync with the API',
      needs: 'region reachable',
      async run() {
        const last = p.lastDate;
        const skew = last?.date ? clockSkewSeconds(last.date, last.sentMs, last.receivedMs) : null;
        if (skew === null)
          return {
            ok: false,
            detail: 'no usable Date header in the API responses',
            fix: 'check that no proxy strips the Date header',
          };
        const text = `${skew >= 0 ? 'API ahead' : 'API behind'} by ${Math.abs(skew).toFixed(1)} s`;
        if (Math.abs(skew) <= MAX_CLOCK_SKEW_SECONDS) return { ok: true, detail: text };
        return {
          ok: false,
          detail: `${text} (more than ${MAX_CLOCK_SKEW_SECONDS} s)`,
          fix: 'synchronise this host clock with NTP (chrony or systemd-timesyncd: timedatectl set-ntp true)',
        };
      },
    },
  ];
}

class Checklist {
  passed = 0;
  failed = 0;
  skipped = 0;
  private readonly failedTitles = new Set<string>();
  constructor(private readonly out: CommandOutput) {}

  private mark(kind: 'ok' | 'fail' | 'skip'): string {
    const text = kind === 'ok' ? '✓' : kind === 'fail' ? '✗' : '-';
    if (!this.out.isTTY) return text;
    return kind === 'ok'
      ? `\u001b[32m${text}\u001b[0m`
      : kind === 'fail'
        ? `\u001b[31m${text}\u001b[0m`
        : text;
  }

  line(text: string): void {
    this.out.write(`${text}\n`);
  }

  report(title: string, r: CheckResult): void {
    if (r.ok) this.passed += 1;
    else {
      this.failed += 1;
      this.failedTitles.add(title);
    }
    this.line(`${this.mark(r.ok ? 'ok' : 'fail')} ${title}${r.detail ? ` — ${r.detail}` : ''}`);
    if (!r.ok && r.fix) this.line(`    fix: ${r.fix}`);
  }

  async run(checks: Check[]): Promise<void> {
    this.failedTitles.clear();
    for (const c of checks) {
      if (c.needs && this.failedTitles.has(c.needs)) {
        this.failedTitles.add(c.title);
        this.skipped += 1;
        this.line(`${this.mark('skip')} ${c.title} (skipped: "${c.needs}" failed)`);
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

/** `doctor`: exit 0 only if every check passes. */
export async function runDoctorCommand(
  config: AgentConfig,
  args: string[],
  out: CommandOutput = process.stdout,
): Promise<number> {
  if (args.length > 0) {
    process.stderr.write(`genesys-usage-agent: doctor takes no arguments (got "${args[0]}")\n`);
    return 2;
  }
  const list = new Checklist(out);
  list.line('genesys-usage-agent doctor');
  let orgs = config.orgs;
  let closeSimulator: (() => Promise<void>) | null = null;
  try {
    if (config.mode === 'demo') {
      list.line(
        'DEMO MODE: no GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET configured; checking the embedded simulator instead of a real org',
      );
      const demo = await resolveOrgs(config);
      closeSimulator = () => demo.close();
      orgs = demo.orgs;
    }
    list.report('configuration valid', {
      ok: true,
      detail: `${config.mode} mode, ${orgs.length} org${orgs.length === 1 ? '' : 's'} (${orgs.map((o) => o.name).join(', ')})`,
    });
    for (const org of orgs) {
      list.line(`org ${org.name}: api ${org.apiBaseUrl}, login ${org.loginBaseUrl}`);
      const prober = new Prober(org);
      try {
        await list.run(orgChecks(org, prober));
      } finally {
        await prober.close();
      }
    }
  } finally {
    await closeSimulator?.();
  }
  list.line(
    list.failed === 0
      ? `all ${list.passed} checks passed`
      : `${list.failed} check${list.failed === 1 ? '' : 's'} failed, ${list.skipped} skipped, ${list.passed} passed`,
  );
  return list.failed === 0 ? 0 : 1;
}
