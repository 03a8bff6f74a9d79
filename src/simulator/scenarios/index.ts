/**
 * Built-in scenarios (embedded as TS so they ship in dist/ without copying YAML) and loading a
 * scenario by built-in name, file path or object. The schema lives in ../scenario.ts, which imports
 * nothing from here, so the two never form an import circle.
 */
import { parse as parseYaml } from 'yaml';
import type { BuiltinScenarioName } from '../../config/scenario-names.js';
import { FileRefusal, readBoundedFile } from '../../util/bounded-file.js';
import { ScenarioError, parseScenario, type Scenario, type ScenarioInput } from '../scenario.js';
import { demo } from './demo.js';
import { burst, churn, intraday, runaway, steady } from './others.js';

// Typed by the names configuration checks AGENT_DEMO_SCENARIO against, so the two lists cannot drift.
const BUILTIN_SCENARIO_INPUTS: Readonly<Record<string, ScenarioInput>> = {
  demo,
  steady,
  runaway,
  burst,
  churn,
  intraday,
} satisfies Record<BuiltinScenarioName, ScenarioInput>;

export const BUILTIN_SCENARIOS: readonly string[] = Object.keys(BUILTIN_SCENARIO_INPUTS);

/** A built-in name, or a path to a YAML/JSON file. Throws ScenarioError. */
export function loadScenario(nameOrPath: string): Scenario {
  const builtin = BUILTIN_SCENARIO_INPUTS[nameOrPath];
  if (builtin) return parseScenario(builtin, nameOrPath);
  let text: string;
  try {
    text = readBoundedFile(nameOrPath, 'scenario');
  } catch (err) {
    if (err instanceof FileRefusal && !err.message.startsWith('cannot read'))
      throw new ScenarioError(err.message);
    throw new ScenarioError(
      `${nameOrPath}: no such scenario file or built-in; use one of ${BUILTIN_SCENARIOS.join('|')} or a YAML/JSON file path`,
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ScenarioError(`${nameOrPath}: not valid YAML/JSON: ${msg}`);
  }
  return parseScenario(data, nameOrPath);
}

/** Resolves the `scenario` option of startSimulator. */
export function resolveScenario(input: string | ScenarioInput | undefined): Scenario {
  if (input === undefined) return loadScenario('demo');
  if (typeof input === 'string') return loadScenario(input);
  return parseScenario(input, 'scenario');
}
