/** The simulator's endpoint mixes are real SDK calls: every (method, template) pair is in the catalogue. */
import { describe, expect, it } from 'vitest';
import catalogue from '../../src/genesys/endpoints/catalogue.json' with { type: 'json' };
import { MIX } from '../../src/simulator/scenarios/common.js';

const paths: Record<string, string[]> = catalogue.paths;

describe('simulator endpoint mixes', () => {
  it.each(Object.entries(MIX).flatMap(([kind, mix]) => mix.map((e) => [kind, e.method, e.templateUri])))(
    '%s: %s /%s is in the SDK catalogue',
    (_kind, method, templateUri) => {
      expect(paths[`/${templateUri}`] ?? []).toContain(method);
    },
  );
});
