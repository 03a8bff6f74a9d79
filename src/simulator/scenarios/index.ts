/** Built-in scenarios, embedded as TS so they ship in dist/ without copying YAML. */
import type { BuiltinScenarioName } from '../../config/scenario-names.js';
import type { ScenarioInput } from '../scenario.js';
import { demo } from './demo.js';
import { burst, churn, intraday, runaway, steady } from './others.js';

// Typed by the names configuration checks AGENT_DEMO_SCENARIO against, so the two lists cannot drift.
export const BUILTIN_SCENARIO_INPUTS: Readonly<Record<string, ScenarioInput>> = {
  demo,
  steady,
  runaway,
  burst,
  churn,
  intraday,
} satisfies Record<BuiltinScenarioName, ScenarioInput>;
