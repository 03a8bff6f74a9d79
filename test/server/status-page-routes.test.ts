import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_PAGE_CSP, statusPageRoutes } from '../../src/server/status-page.js';

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  await app.register(statusPageRoutes);
});

afterAll(async () => {
  await app.close();
});

describe('status page routes', () => {
  it.each([
    ['/', 'text/html'],
    ['/status.js', 'text/javascript'],
    ['/status.css', 'text/css'],
  ])('%s is served from the agent with the strict CSP', async (url, type) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain(type);
    expect(res.headers['content-security-policy']).toBe(STATUS_PAGE_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('the page has no inline script or style and loads nothing from another origin', async () => {
    const html = (await app.inject({ url: '/' })).body;
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(STATUS_PAGE_CSP).toMatch(
      /^default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:/,
    );
  });

  it('the legend explains every badge the rows can carry, and what the warning count counts', async () => {
    const html = (await app.inject({ url: '/' })).body;
    const script = (await app.inject({ url: '/status.js' })).body;
    const legend = html.slice(html.indexOf('<footer class="legend">'), html.indexOf('</footer>'));
    const badges = [...script.matchAll(/class: 'badge[^']*', text: '([^']+)'/g)].map((m) => m[1]!);
    expect(badges).toEqual(['near limit', '429s', '429 share', 'rate limit']);
    for (const badge of badges) {
      expect(legend, badge).toContain(`>${badge}</span>`);
    }
    expect(legend).toMatch(
      /429 share<\/span> more than 1 % of the client's requests on the last complete day/,
    );
    expect(legend).toContain('genesys_rate_limit_warnings_total');
  });
});
