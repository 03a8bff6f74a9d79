/** Minute and day arithmetic on epoch ms, UTC. */
import { DAY, MINUTE } from './traffic.js';

export const floorMinute = (ms: number): number => Math.floor(ms / MINUTE);
export const ceilMinute = (ms: number): number => Math.ceil(ms / MINUTE);
export const dayStart = (ms: number): number => Math.floor(ms / DAY) * DAY;
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
