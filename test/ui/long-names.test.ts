/**
 * A 64 KiB client name (and client id) from Genesys on the status page, in headless Chromium: its
 * row stays one ordinary row high at desktop and phone widths, the page does not scroll sideways,
 * and the full value stays reachable (the title attribute; the JSON API has it whole). Before, the
 * row was 20 000 px tall (40 000 at phone width).
 *
 * @module-tag system
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { demo } from '../../src/simulator/scenarios/demo.js';
import { waitFor } from '../helpers/spawn-agent.js';
import { pageWidths } from '../helpers/page-fit.js';

const LONG_NAME = `Huge_${'N'.repeat(64 * 1024)}`;
const LONG_ID = `id-${'7'.repeat(64 * 1024)}`;
let dir: string;
let agent: RunningAgent;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'long-names-'));
  const scenario = join(dir, 'scenario.json');
  const [first, ...rest] = demo.clients!;
  writeFileSync(
    scenario,
    JSON.stringify({
      ...demo,
      clients: [first, { ...rest[0], id: LONG_ID, name: LONG_NAME }, ...rest.slice(1)],
    }),
  );
  agent = await startAgent(
    loadConfig({ AGENT_HOST: '127.0.0.1', AGENT_PORT: '0', AGENT_DEMO_SCENARIO: scenario }),
    {
      logger: pino({ level: 'silent' }),
    },
  );
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  await waitFor(
    async () => {
      const snap = (await (await fetch(`${agent.url}/api/v1/clients`)).json()) as {
        orgs: { clients: { clientName: string }[] }[];
      };
      return snap.orgs[0]?.clients.some((c) => c.clientName === LONG_NAME) ? true : undefined;
    },
    30_000,
    'the long-named client in the snapshot',
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await agent?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a 64 KiB client name on the status page', () => {
  it.each([
    ['desktop', 1280, 800],
    ['phone', 390, 844],
  ])(
    '%s: the row stays small, nothing scrolls sideways, the full name is in the title',
    async (_w, width, height) => {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      await page.goto(`${agent.url}/`);
      await page.waitForSelector('body[data-loaded="true"] tbody tr');
      const row = page.locator(`tbody tr[data-client-id="${LONG_ID}"]`);
      expect(await row.count()).toBe(1);
      const box = (await row.boundingBox())!;
      const ordinary = (await page.locator('tbody tr').first().boundingBox())!;
      // One ordinary row (a phone card is a few hundred px), not thousands.
      expect(box.height).toBeLessThan(Math.max(ordinary.height * 1.5, 120));
      const name = row.locator('.name');
      expect(await name.getAttribute('title')).toBe(LONG_NAME);
      expect((await name.boundingBox())!.height).toBeLessThan(40);
      expect(await row.locator('[data-client-id]').count()).toBe(0);
      expect(await row.getAttribute('data-client-id')).toBe(LONG_ID);
      const widths = await pageWidths(page);
      expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
      await context.close();
    },
  );
});
