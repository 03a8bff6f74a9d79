/** docs/metrics.md documents every catalogue metric with the fields operators need. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { section } from '../helpers/markdown.js';
import { DESIGN_METRICS } from './contract.js';

const METRICS_DOC = join(import.meta.dirname, '../../docs/metrics.md');

describe('docs/metrics.md', () => {
  it.each(Object.entries(DESIGN_METRICS))('documents %s (%s)', async (name, type) => {
    const text = section(await readFile(METRICS_DOC, 'utf8'), name);
    expect(text, `no "### \`${name}\`" section`).toBeDefined();
    expect(text).toMatch(/\*\*Meaning:\*\*/);
    expect(text).toMatch(new RegExp(`\\*\\*Type / unit:\\*\\* ${type}`));
    expect(text).toMatch(/\*\*Labels:\*\*/);
    expect(text).toMatch(/\*\*Example:\*\* .*`[^`]*\bgenesys_/);
  });

  it('lists the "error" status class of the agent\'s own calls', async () => {
    const text = section(await readFile(METRICS_DOC, 'utf8'), 'genesys_agent_api_requests_total');
    expect(text).toContain('`error`');
  });
});
