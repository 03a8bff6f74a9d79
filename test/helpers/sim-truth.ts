/** The simulator's ground truth (`GET /__sim/truth`), typed by the simulator's own `Truth`. */
import type { Truth } from '../../src/simulator/index.js';

export type { Truth } from '../../src/simulator/index.js';

export async function fetchTruth(simUrl: string): Promise<Truth> {
  const res = await fetch(`${simUrl}/__sim/truth`);
  if (!res.ok) throw new Error(`GET /__sim/truth -> ${res.status}`);
  return (await res.json()) as Truth;
}
