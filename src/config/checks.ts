/** Cross-field checks of the agent-wide settings: the gateway, TLS, auth, the OTLP push. */
import { ConfigError } from './errors.js';
import type { Resolved } from './resolve.js';
import { readText } from './sources.js';
import type { AgentSettingId } from './settings.js';

type Settings = Resolved<AgentSettingId>;

export function gatewayFrom(s: Settings, orgCount: number) {
  const v = s.values;
  if (v.gatewayPort === undefined) {
    const what = {
      gatewayShaping: 'shaping',
      gatewayHost: 'the address',
      gatewayMaxConcurrentPerAddress: 'a gateway limit',
    };
    for (const id of Object.keys(what) as (keyof typeof what)[]) {
      if (s.isSet(id)) throw s.error(id, (n) => `${what[id]} needs the gateway; set ${n('gatewayPort')} too`);
    }
    return null;
  }
  if (orgCount > 1) {
    throw s.error(
      'gatewayPort',
      'the gateway forwards to one org; with several orgs run one agent per org for the gateway',
    );
  }
  const host = v.gatewayHost ?? v.host;
  const wildcard = (h: string) => h === '0.0.0.0' || h === '::';
  if (
    v.gatewayPort !== 0 &&
    v.gatewayPort === v.port &&
    (host === v.host || wildcard(host) || wildcard(v.host))
  )
    throw s.error(
      'gatewayPort',
      (n) => `${v.gatewayPort} is also the agent's port (${n('port')}); give the gateway another port`,
    );
  return {
    port: v.gatewayPort,
    host,
    shaping: v.gatewayShaping,
    /** Most requests in progress per source address. */
    maxConcurrentPerAddress: v.gatewayMaxConcurrentPerAddress,
  };
}

/** PEM certificate and key (the agent port's and the gateway's); null: plain HTTP. */
export function tlsFrom(s: Settings) {
  const { tlsCertFile: certFile, tlsKeyFile: keyFile } = s.values;
  if (certFile === undefined && keyFile === undefined) return null;
  const [cert, key] = ['tlsCertFile', 'tlsKeyFile'] as const;
  if (certFile === undefined || keyFile === undefined) {
    const [missing, set] = certFile === undefined ? [cert, key] : [key, cert];
    throw s.error(missing, (n) => `required when ${n(set)} is set; set both for HTTPS`);
  }
  const tls = { cert: readText(certFile, s.name(cert), 'tls'), key: readText(keyFile, s.name(key), 'tls') };
  try {
    // Fail at start-up, with the setting named, rather than on the first connection. node:tls is
    // loaded here, when TLS is configured, not by every agent that reads its configuration.
    process.getBuiltinModule('node:tls').createSecureContext({ cert: tls.cert, key: tls.key });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0]!.slice(0, 120);
    throw s.error([cert, key], `not a usable PEM certificate and matching key (${reason})`);
  }
  return tls;
}

/** Credentials required on /metrics and /api/v1/*; null: open. */
export function authFrom(s: Settings) {
  const token = s.values.authToken;
  const basicFile = s.values.authBasicFile;
  const basicUsers = basicFile === undefined ? [] : basicUsersFrom(basicFile, s.name('authBasicFile'));
  if (token === undefined && basicUsers.length === 0) return null;
  return { bearerTokens: token === undefined ? [] : [token], basicUsers };
}

/** `user:password` per line; blank lines and `#` comments ignored. Passwords are never echoed. */
function basicUsersFrom(path: string, name: string): { user: string; password: string }[] {
  const users: { user: string; password: string }[] = [];
  for (const [i, raw] of readText(path, name, 'secret').split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || colon === line.length - 1)
      throw new ConfigError(`${name}: line ${i + 1} of ${path} is not user:password`);
    users.push({ user: line.slice(0, colon), password: line.slice(colon + 1) });
  }
  if (users.length === 0) throw new ConfigError(`${name}: ${path} has no user:password line`);
  return users;
}

/** The OTLP push; null when no endpoint is set (headers and interval alone do not enable it). */
export function otlpFrom(s: Settings) {
  const { otlpMetricsEndpoint, otlpEndpoint, otlpHeaders, otlpInterval } = s.values;
  const url = otlpMetricsEndpoint ?? (otlpEndpoint === undefined ? undefined : `${otlpEndpoint}/v1/metrics`);
  if (url === undefined) return null;
  return { url, headers: otlpHeaders, intervalMs: otlpInterval };
}
