/** Built-in scenarios, embedded as TS so they ship in dist/ without copying YAML. */
import type { ScenarioInput } from '../scenario.js';
import { demo } from './demo.js';
import { burst, churn, intraday, runaway, steady } from './others.js';

export const BUILTIN_SCENARIO_INPUTS: Readonly<Record<string, ScenarioInput>> = {
  demo,
  steady,
  runaway,
  burst,
  churn,
  intraday,
};
