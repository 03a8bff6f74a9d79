/** The message of the ConfigError that loading `env` throws; fails the test when it loads. */
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/errors.js';

export function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expectPlacesNamedOnce((err as Error).message);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/**
 * A configuration error names each file path and each `orgs[i]` at most once: the subject gives
 * its place, and the other settings it mentions go by their key (src/config/resolve.ts `error`).
 */
export function expectPlacesNamedOnce(message: string): void {
  const places: string[] = message.match(/(?<=^|[\s"(])\/[^\s:"()]+|orgs\[\d+\]/g) ?? [];
  expect(
    places.filter((p, i) => places.indexOf(p) !== i),
    message,
  ).toEqual([]);
}
