/**
 * The doctor's checks for one org — reachability, login, each permission the sources need, the
 * limits, the clock — each with a concrete fix. They send the agent's own paths and bodies
 * (genesys/requests.ts), so a passing check means the agent's request is allowed.
 */
import type { OrgConfig } from '../../config/config.js';
import {
  LOGIN_FORM,
  PATHS,
  eventsQueryBody,
  rateLimitQueryBody,
  usageQueryBody,
} from '../../genesys/requests.js';
import { limitRecordSchema, listingSchema, tokenResponseSchema } from '../../genesys/schemas.js';
import { CLIENT_TOKEN_LIMIT_KEY, DEFAULT_TOKEN_LIMIT, LIMITS_NAMESPACE } from '../../sources/limits/index.js';
import { describeError } from '../../util/logger.js';
import { clockSkewSeconds, described, type ProbeResponse, type Prober } from './probe.js';

export interface CheckResult {
  ok: boolean;
  detail?: string;
  fix?: string;
}

export interface Check {
  title: string;
  /** Title of an earlier check this one needs; it is skipped when that one failed. */
  needs?: string;
  run(): Promise<CheckResult>;
}

const failed = (detail: string, fix: string): CheckResult => ({ ok: false, detail, fix });

/** Larger skews break token expiry and the usage intervals' day boundaries. */
const MAX_CLOCK_SKEW_SECONDS = 30;

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
        return failed(
          `${described(r)}: the agent's OAuth client lacks ${permission}`,
          `give the agent's OAuth client a role with ${permission} (Admin > Roles/Permissions, then the client's Roles tab); new roles apply to new tokens`,
        );
      }
      return failed(
        `${described(r)} from the endpoint that needs ${permission}`,
        'run doctor again; if it persists, check status.mypurecloud.com and the agent log',
      );
    },
  };
}

export function orgChecks(org: OrgConfig, p: Prober): Check[] {
  // The last hour (full timestamps) or yesterday/today (dates), as ISO-8601 intervals.
  const last = (ms: number, length: number) => () => {
    const now = Date.now();
    return `${new Date(now - ms).toISOString().slice(0, length)}/${new Date(now).toISOString().slice(0, length)}`;
  };
  const [hour, day] = [last(3_600_000, 24), last(86_400_000, 10)];
  const limitsPath = PATHS.limits(LIMITS_NAMESPACE);
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
              host === org.apiBaseUrl ? PATHS.tokensMe : '/',
            );
            seen.push(`${host} answered HTTP ${r.status}`);
          } catch (err) {
            return failed(
              `${host}: ${describeError(err)}`,
              'check GENESYS_REGION (e.g. mypurecloud.ie or eu_west_1) or GENESYS_API_BASE_URL/GENESYS_LOGIN_BASE_URL, DNS, the firewall and any HTTPS proxy',
            );
          }
        }
        return { ok: true, detail: seen.join('; ') };
      },
    },
    {
      title: 'login works',
      needs: 'region reachable',
      async run() {
        const r = await p.send('login', 'POST', PATHS.login, { form: LOGIN_FORM, basic: true });
        const token = tokenResponseSchema.safeParse(r.body);
        if (r.status === 200 && token.success) {
          p.token = token.data.access_token;
          return { ok: true, detail: `client ${org.clientId}, token valid for ${token.data.expires_in} s` };
        }
        if (r.status === 400 || r.status === 401) {
          return failed(
            `${described(r)}: the login was refused for client ${org.clientId}`,
            'check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (or GENESYS_CLIENT_SECRET_FILE): a Client Credentials OAuth client of this org and region',
          );
        }
        return failed(
          `${described(r)} from ${org.loginBaseUrl}${PATHS.login}`,
          'check GENESYS_LOGIN_BASE_URL/GENESYS_REGION points at the login host of your region',
        );
      },
    },
    permissionCheck(
      'usage:organization:view',
      'usage source',
      () => p.send('api', 'POST', PATHS.usageJobs, { json: usageQueryBody({ interval: day() }, 'jobs') }),
      () => p.send('api', 'POST', PATHS.usageLegacy, { json: usageQueryBody({ interval: day() }, 'legacy') }),
    ),
    permissionCheck('oauth:client:view', 'client names', () => p.send('api', 'GET', PATHS.oauthClients)),
    permissionCheck('analytics:rateLimitAggregate:view', 'ratelimits source', () =>
      p.send('api', 'POST', PATHS.rateLimitAggregates, { json: rateLimitQueryBody({ interval: hour() }) }),
    ),
    permissionCheck('usage:events:view', 'operational events', () =>
      p.send('api', 'POST', PATHS.eventsQuery(1), { json: eventsQueryBody({ interval: hour() }) }),
    ),
    {
      title: 'limits readable',
      needs: 'login works',
      async run() {
        const r = await p.send('api', 'GET', limitsPath);
        const limits = listingSchema.safeParse(r.body);
        if (r.status !== 200 || !limits.success) {
          return failed(
            `${described(r)} from GET ${limitsPath}`,
            `the agent then assumes ${DEFAULT_TOKEN_LIMIT} req/min per token; set per-client limits in AGENT_CONFIG_FILE (orgs[].limits.perClient) if yours differ`,
          );
        }
        const value = limits.data.entities
          .map((e) => limitRecordSchema.safeParse(e).data)
          .find((e) => e?.key === CLIENT_TOKEN_LIMIT_KEY)?.value;
        return {
          ok: true,
          detail:
            value === undefined
              ? `${CLIENT_TOKEN_LIMIT_KEY} not listed; the default ${DEFAULT_TOKEN_LIMIT} applies`
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
          return failed(
            'no usable Date header in the API responses',
            'check that no proxy strips the Date header',
          );
        const text = `${skew >= 0 ? 'API ahead' : 'API behind'} by ${Math.abs(skew).toFixed(1)} s`;
        if (Math.abs(skew) <= MAX_CLOCK_SKEW_SECONDS) return { ok: true, detail: text };
        return failed(
          `${text} (more than ${MAX_CLOCK_SKEW_SECONDS} s)`,
          'synchronise this host clock with NTP (chrony or systemd-timesyncd: timedatectl set-ntp true)',
        );
      },
    },
  ];
}
