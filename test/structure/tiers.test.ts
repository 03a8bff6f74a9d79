/**
 * The fast tier cannot be escaped: a test that starts a process without the `system` tag fails
 * (test/helpers/tiers.ts), and the tag lets it through in `npm test`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('starting a process', () => {
  it('fails in an untagged test, through every form of the call', () => {
    expect(() => spawnSync('true')).toThrow(/without the system tag/);
    expect(() => promisify(execFile)('true')).toThrow(/without the system tag/);
  });

  it('works for openssl, which writes test certificates', () => {
    expect(spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout).toMatch(/SSL/);
  });

  it('works in a test tagged system', { tags: ['system'] }, async () => {
    expect(spawnSync('true').status).toBe(0);
    expect((await promisify(execFile)('echo', ['ok'])).stdout).toBe('ok\n');
  });
});
