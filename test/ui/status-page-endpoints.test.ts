/**
 * Issue 24: a client's row opens to show its top endpoints, live and yesterday (headless Chromium).
 *
 * @module-tag system
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { ManualScheduler } from '../helpers/clock.js';
import type { ClientsSnapshot } from '../../src/server/snapshot.js';
import { fakeClockAt } from '../helpers/clock.js';
import { fetchTruth } from '../helpers/sim-truth.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const ETL = 'Reporting_ETL';

let agent: RunningAgent;
let browser: Browser;

async function open(route?: ClientsSnapshot, width = 1440): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  if (route)
    await page.route('**/api/v1/clients', (r) =>
      r.fulfill({ contentType: 'application/json', body: JSON.stringify(route) }),
    );
  await page.goto(`${agent.url}/`);
  await page.waitForSelector('body[data-loaded="true"] tbody tr');
  return { page, errors };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing; run: apt-get update && apt-get install -y chromium`);
  const config = loadConfig({ AGENT_HOST: '127.0.0.1', AGENT_PORT: '0', AGENT_DEMO_SCENARIO: 'demo' });
  agent = await startAgent(config, {
    logger: pino({ level: 'silent' }),
    clock: fakeClockAt(START),
    scheduler: new ManualScheduler(),
  });
  await agent.orgs[0]!.clients.refresh(true);
  await agent.orgs[0]!.usage.runOnce();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  await agent?.close();
});

describe('status page: top endpoints of a client', () => {
  it("opens a client's row to its busiest endpoints of the last complete day, equal to the simulator's truth", async () => {
    const { page, errors } = await open();
    const row = page.locator('tbody tr', { has: page.locator('.name', { hasText: ETL }) });
    const button = row.locator('button.expand');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('tr.endpoints').count()).toBe(0);
    await button.click();
    expect(await row.locator('button.expand').getAttribute('aria-expanded')).toBe('true');
    const details = page.locator('tr.endpoints');
    expect(await details.count()).toBe(1);
    // No gateway traffic in this run: the live list says so instead of an empty table.
    expect(await details.locator('p.none').textContent()).toBe('Top endpoints now: none');
    const rows = await details
      .locator('table.endpoints tr:has(td)')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));

    const truth = await fetchTruth(agent.simulator!.url);
    const etl = truth.clients.find((c) => c.name === ETL)!;
    const expected = [...etl.endpointDays['2026-01-14']!]
      .sort((a, b) => b.counts.requests - a.counts.requests)
      .map((e) => [
        `${e.method} /${e.templateUri}`,
        e.counts.requests.toLocaleString('en-US'),
        e.counts.status429.toLocaleString('en-US'),
      ]);
    expect(rows).toEqual(expected);
    expect(rows[0]![0]).toBe('POST /api/v2/analytics/conversations/details/query');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}status-page-endpoints.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows live endpoints when the snapshot has them, escapes every text, and offers nothing without endpoints', async () => {
    const snap = (await (await fetch(`${agent.url}/api/v1/clients`)).json()) as ClientsSnapshot;
    const org = snap.orgs[0]!;
    const hostile = '<img src=x onerror="document.body.dataset.owned=1">';
    const [first, second] = org.clients;
    first!.clientName = hostile;
    first!.endpoints = {
      live: [
        { endpoint: `/api/v2/users/${hostile}`, method: 'GET', perMinute: 42, requests: 99, rateLimited: 3 },
      ],
    };
    delete second!.endpoints;
    const { page, errors } = await open(snap);
    const row = page.locator(`tr[data-client-id="${first!.clientId}"]`);
    expect(await row.locator('.name').textContent()).toBe(hostile);
    await row.locator('button.expand').click();
    const details = page.locator('tr.endpoints');
    expect(await details.locator('caption').first().textContent()).toMatch(/^Top endpoints now/);
    expect(await details.locator('table.endpoints td').allTextContents()).toEqual([
      `GET /api/v2/users/${hostile}`,
      '42',
      '3',
    ]);
    expect(await details.locator('p.none').textContent()).toBe('Top endpoints · last complete day: none');
    expect(await page.locator('img').count()).toBe(0);
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body
            .dataset.owned,
      ),
    ).toBeUndefined();
    expect(await page.locator(`tr[data-client-id="${second!.clientId}"] button.expand`).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('an opened row still fits a phone screen without horizontal scrolling', async () => {
    const { page, errors } = await open(undefined, 390);
    await page
      .locator('tbody tr', { has: page.locator('.name', { hasText: ETL }) })
      .locator('button.expand')
      .click();
    expect(await page.locator('tr.endpoints table.endpoints td.ep').count()).toBeGreaterThan(0);
    const fits = await page.evaluate(() => {
      const d = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number } };
        innerWidth: number;
      };
      return d.document.documentElement.scrollWidth <= d.innerWidth;
    });
    expect(fits).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
