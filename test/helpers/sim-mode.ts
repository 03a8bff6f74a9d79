/** The simulator's two answer modes: everything, or only what the SDK's models require (sparse). */
export const MODES = ['full', 'sparse'] as const;
export type Mode = (typeof MODES)[number];

/** Switches a running simulator's answer mode (`PUT /__sim/mode`). */
export async function setMode(simUrl: string, mode: Mode): Promise<void> {
  const res = await fetch(`${simUrl}/__sim/mode`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sparse: mode === 'sparse' }),
  });
  if (res.status !== 200) throw new Error(`PUT /__sim/mode -> ${res.status}`);
}
