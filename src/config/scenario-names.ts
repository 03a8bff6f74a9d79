/**
 * The simulator's built-in scenario names. A constant module of its own so configuration can check
 * AGENT_DEMO_SCENARIO without loading the simulator; the simulator's scenario table is typed
 * against it, so the two cannot drift.
 */
export const BUILTIN_SCENARIO_NAMES = ['demo', 'steady', 'runaway', 'burst', 'churn', 'intraday'] as const;

export type BuiltinScenarioName = (typeof BUILTIN_SCENARIO_NAMES)[number];
