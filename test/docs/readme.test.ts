import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envTableMarkdown } from '../../src/config/env-schema.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the two set-up commands first', () => {
    const firstBlock = readme.slice(
      readme.indexOf('```sh'),
      readme.indexOf('```', readme.indexOf('```sh') + 5),
    );
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm test');
  });

  it('configuration table matches the configuration schema (regenerate it from envTableMarkdown())', () => {
    const start = readme.indexOf('<!-- config-table:start -->');
    const end = readme.indexOf('<!-- config-table:end -->');
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + '<!-- config-table:start -->'.length, end).trim()).toBe(envTableMarkdown());
  });
});
