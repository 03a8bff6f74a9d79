/** Cross-field checks of the orgs: the GENESYS_* variables or the file's `orgs`, hosts, budgets. */
import { regionHosts } from './regions.js';
import type { Resolved } from './resolve.js';
import { envFileName, SETTING_IDS, spec, type OrgSettingId } from './settings.js';

export const ORG_IDS = SETTING_IDS.filter((id): id is OrgSettingId => spec(id).scope === 'org');

type OrgSettings = Resolved<OrgSettingId>;

/** One org the agent watches. */
export type OrgConfig = ReturnType<typeof orgFrom>;

/**
 * The orgs: from the GENESYS_* variables (one org, or none: demo mode) or from the file's `orgs`,
 * never both. `budget` is the agent-wide call budget an org may override.
 */
export function resolveOrgs(
  fromEnv: OrgSettings,
  fromFile: OrgSettings[] | undefined,
  file: string,
  budget: number,
): OrgConfig[] {
  const envSet = ORG_IDS.filter((id) => fromEnv.isSet(id));
  if (fromFile && envSet.length > 0) {
    const named = envSet.includes('clientId') ? 'clientId' : envSet[0]!;
    throw fromEnv.error(named, `set either the GENESYS_* variables or orgs in ${file}, not both`);
  }
  const orgs = fromFile
    ? fromFile.map((o) => orgFrom(o, budget, 'clientSecretFile'))
    : envOrg(fromEnv, budget);
  const names = new Set<string>();
  for (const [i, o] of orgs.entries()) {
    if (names.has(o.name)) {
      const org = fromFile![i]!;
      // Unnamed orgs all get the default: the fix is to name them, not to rename one.
      const fix = org.isSet('orgName')
        ? 'org names must be unique'
        : 'give every org its own name (orgs[].name)';
      throw org.error('orgName', `"${o.name}" is used twice; ${fix}`);
    }
    names.add(o.name);
  }
  return orgs;
}

function envOrg(o: OrgSettings, budget: number): OrgConfig[] {
  if (o.values.clientId === undefined) {
    // Any org setting means a real org was meant: running the demo instead would hide the mistake.
    const set = ORG_IDS.find((id) => o.isSet(id));
    if (set)
      throw o.error(
        'clientId',
        (n) =>
          `required when ${n(set)} is set; set it and ${n('clientSecret')}, or unset the GENESYS_* variables for demo mode`,
      );
    return [];
  }
  return [orgFrom(o, budget, envFileName('clientSecret'))];
}

/** `secretFile`: how the operator names the secret's file variant where this org is configured. */
function orgFrom(o: OrgSettings, budget: number, secretFile: string) {
  const v = o.values;
  if (v.clientId === undefined)
    throw o.error('clientId', "required; every org needs the agent's OAuth client id");
  if (v.clientSecret === undefined)
    throw o.error('clientSecret', (n) => `required when ${n('clientId')} is set; set it or ${secretFile}`);
  return {
    /** Value of the `org` label. */
    name: v.orgName,
    ...hosts(o),
    clientId: v.clientId,
    clientSecret: v.clientSecret,
    callBudgetPerMinute: v.orgCallBudget ?? budget,
    /** Per-client overrides of the per-token limit (client id -> req/min). */
    limitOverrides: v.limitsPerClient,
  };
}

/** API and login hosts: both URLs given, or the region fills what is missing. */
function hosts(o: OrgSettings): { apiBaseUrl: string; loginBaseUrl: string } {
  const { apiBaseUrl, loginBaseUrl, region } = o.values;
  if (apiBaseUrl && loginBaseUrl) return { apiBaseUrl, loginBaseUrl };
  if (region === undefined) {
    throw o.error(
      'region',
      (n) =>
        `required (e.g. mypurecloud.com or us_east_1), or set both ${n('apiBaseUrl')} and ${n('loginBaseUrl')}`,
    );
  }
  const fromRegion = regionHosts(region);
  return {
    apiBaseUrl: apiBaseUrl ?? fromRegion.apiBaseUrl,
    loginBaseUrl: loginBaseUrl ?? fromRegion.loginBaseUrl,
  };
}
