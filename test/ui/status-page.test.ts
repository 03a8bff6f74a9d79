/** @module-tag system */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import type { ClientsSnapshot } from '../../src/server/snapshot.js';
import { waitFor } from '../helpers/spawn-agent.js';
import { pageWidths } from '../helpers/page-fit.js';
import { BOUNDARIES, fakeClockAt, ManualScheduler } from '../helpers/clock.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const DOCS_IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));
/** Committed README images are rewritten only on request, so a test run leaves the tree clean. */
const updateDocs = process.env.UPDATE_SCREENSHOTS === '1';
const RUNAWAY = 'Chatbot_Backend';

let agent: RunningAgent;
let browser: Browser;

async function snapshot(): Promise<ClientsSnapshot> {
  return (await (await fetch(`${agent.url}/api/v1/clients`)).json()) as ClientsSnapshot;
}

/**
 * The demo ramp needs about two minutes to pass 83 %; a burst through the gateway on a token of
 * the runaway client gets it there at once (the same path the demo traffic takes).
 */
async function pushRunawayTraffic(requests: number): Promise<void> {
  const client = agent.simulator!.scenario.clients.find((c) => c.name === RUNAWAY)!;
  const login = await fetch(`${agent.gatewayUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(login.status).toBe(200);
  const { access_token: token } = (await login.json()) as { access_token: string };
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      next += 1;
      const res = await fetch(`${agent.gatewayUrl}/api/v2/users?pageSize=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Opens the page, failing on any request that leaves the agent's origin or any console error. */
async function openPage(
  width: number,
  height: number,
  url = agent.url,
): Promise<{ page: Page; foreign: string[]; errors: string[]; csp: string | undefined }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const origin = new URL(url).origin;
  const foreign: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) foreign.push(url);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(`${url}/`);
  expect(res?.status()).toBe(200);
  await page.waitForSelector('body[data-loaded="true"] tbody tr');
  return { page, foreign, errors, csp: res?.headers()['content-security-policy'] };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing; run: apt-get update && apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({ AGENT_HOST: '127.0.0.1', AGENT_PORT: '0', AGENT_DEMO_SCENARIO: 'demo' });
  agent = await startAgent(config, { logger: pino({ level: 'silent' }) });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  // Every demo client has daily usage once the first Usage API poll is in.
  await waitFor(
    async () => ((await snapshot()).orgs[0]?.usage ? true : undefined),
    30_000,
    'the first usage poll',
  );
  await pushRunawayTraffic(280);
  // One request without a token, so the screenshots show the unidentified-requests line.
  await (await fetch(`${agent.gatewayUrl}/api/v2/users?pageSize=1`)).arrayBuffer();
  await waitFor(
    async () => ((await snapshot()).orgs[0]?.clients[0]?.clientName === RUNAWAY ? true : undefined),
    30_000,
    `${RUNAWAY} to be the worst client`,
  );
});

afterAll(async () => {
  await browser?.close();
  await agent?.close();
});

describe('status page (demo mode, headless Chromium)', () => {
  it('lists every demo client, worst first, marks the runaway one, and stays on its own origin', async () => {
    const { page, foreign, errors, csp } = await openPage(1440, 900);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');

    const names = await page.locator('tbody tr .name').allTextContents();
    for (const c of agent.simulator!.scenario.clients) expect(names).toContain(c.name);
    const first = page.locator('tbody tr').first();
    expect(await first.locator('.name').textContent()).toBe(RUNAWAY);
    expect(await first.getAttribute('class')).toContain('hot');
    expect(await first.locator('.badge').first().textContent()).toBe('near limit');
    // The page keeps the snapshot's order (worst first).
    const expected = (await snapshot()).orgs[0]!.clients.map((c) => c.clientName);
    expect(names[0]).toBe(expected[0]);
    // Quiet clients are not marked.
    const quiet = page.locator('tbody tr', { has: page.locator('.name', { hasText: 'Quality_Exporter' }) });
    expect(await quiet.getAttribute('class')).toBeNull();

    await expect(page.locator('#demo').isVisible()).resolves.toBe(true);
    expect(await page.locator('.sources li[data-source="usage"]').textContent()).toMatch(
      /daily.*up.*data age/,
    );
    expect(await page.locator('thead').textContent()).toMatch(/live.*daily.*near real time/);

    await page.screenshot({ path: `${ARTIFACTS}status-page.png`, fullPage: true });
    if (updateDocs) {
      mkdirSync(DOCS_IMAGES, { recursive: true });
      await page.screenshot({ path: `${DOCS_IMAGES}status-page.png`, fullPage: true });
    }
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    const { page, foreign, errors } = await openPage(390, 844);
    const fits = await pageWidths(page);
    expect(fits.scroll).toBeLessThanOrEqual(fits.inner);
    // Cards clip their overflow, so also check that no cell value is wider than its box.
    const clipped = await page
      .locator('td .v')
      .evaluateAll((cells) =>
        (cells as unknown as { scrollWidth: number; clientWidth: number; textContent: string }[])
          .filter((c) => c.scrollWidth > c.clientWidth + 1)
          .map((c) => c.textContent),
      );
    expect(clipped).toEqual([]);
    expect(await page.locator('tbody tr').first().locator('.name').textContent()).toBe(RUNAWAY);
    await page.screenshot({ path: `${ARTIFACTS}status-page-phone.png`, fullPage: true });
    if (updateDocs) await page.screenshot({ path: `${DOCS_IMAGES}status-page-phone.png` });
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('status page content (demo mode, headless Chromium)', () => {
  it('is not empty while the first figures load', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/clients', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${agent.url}/`);
    await page.waitForSelector('#loading');
    expect(await page.locator('#orgs').innerText()).toMatch(/Loading/);
    await page.screenshot({ path: `${ARTIFACTS}status-page-loading.png` });
    release();
    await page.waitForSelector('body[data-loaded="true"] tbody tr');
    expect(await page.locator('#loading').count()).toBe(0);
    await context.close();
  });

  it('lists the operational events of /api/v1/events, marks unidentified requests apart, words warnings plainly', async () => {
    // beforeAll sent a request without a token: Genesys answered 401, and no client can be named for it.
    const snap = await snapshot();
    expect(snap.orgs[0]!.unidentified).not.toBeNull();
    const { events } = (await (await fetch(`${agent.url}/api/v1/events`)).json()) as {
      events: { eventDefinitionName: string }[];
    };
    const { page, errors } = await openPage(1440, 900);
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"] .events li');
    expect(await page.locator('section h3').first().textContent()).toMatch(/^Operational events/);
    const items = await page.locator('.events li').allTextContents();
    if (events.length === 0) expect(items).toEqual(['No operational events seen yet.']);
    else {
      expect(items.length).toBe(Math.min(5, events.length));
      expect(items[0]).toContain(events[0]!.eventDefinitionName);
    }
    expect(await page.locator('tr[data-client-id="unknown"]').count()).toBe(0);
    expect(await page.locator('.unidentified').textContent()).toMatch(
      /^Unidentified requests \(no bearer token, or one Genesys did not recognise\) live \d+\/min/,
    );
    for (const text of await page
      .locator('td[data-label^="Latest rate-limit warning"] .id')
      .allTextContents()) {
      expect(text).toMatch(
        /^latest .* ago · (\d[\d,]* since the agent started|from before the agent started)/,
      );
      expect(text).not.toMatch(/×/);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('status page with AGENT_AUTH_TOKEN (headless Chromium)', () => {
  const TOKEN = 'page-token-0123456789abcdef';
  let guarded: RunningAgent;
  beforeAll(async () => {
    const config = loadConfig({
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: '0',
      AGENT_DEMO_SCENARIO: 'demo',
      AGENT_AUTH_TOKEN: TOKEN,
    });
    guarded = await startAgent(config, { logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => guarded?.close());

  it('asks for the token, keeps it in the tab, sends it as a bearer token, and asks again when refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${guarded.url}/`);
    expect(res?.headers()['content-security-policy']).toContain("form-action 'none'");
    await page.waitForSelector('#signin:not([hidden])');
    expect(await page.locator('#signin-why').textContent()).toMatch(/with a token \(AGENT_AUTH_TOKEN\)/);
    expect(await page.locator('#signin-basic').isVisible()).toBe(false);
    expect(await page.locator('#error').isVisible()).toBe(false);

    await page.fill('#token', 'wrong-token');
    await page.click('#signin button');
    await page.locator('#signin-why', { hasText: 'refused' }).waitFor();

    await page.fill('#token', TOKEN);
    await page.click('#signin button');
    await page.waitForSelector('body[data-loaded="true"] tbody tr');
    expect(await page.locator('#signin').isVisible()).toBe(false);
    expect(await page.locator('.events-box').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([TOKEN]);
    // A reload in the same tab needs no second sign-in; the token never went into the URL.
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"] tbody tr');
    expect(page.url()).toBe(`${guarded.url}/`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('with basic users only, advises signing in at /api/v1/clients instead of asking for a token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The challenge an agent with AGENT_AUTH_BASIC_FILE alone sends.
    await page.route('**/api/v1/clients', (route) =>
      route.fulfill({
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="genesys-usage-agent", charset="UTF-8"' },
        body: '{}',
      }),
    );
    await page.goto(`${guarded.url}/`);
    await page.waitForSelector('#signin:not([hidden])');
    expect(await page.locator('#signin-token').isVisible()).toBe(false);
    expect(await page.locator('#signin-basic').textContent()).toMatch(
      /^Sign in with a user of AGENT_AUTH_BASIC_FILE: open \/api\/v1\/clients once/,
    );
    await context.close();
  });
});

describe('status page month-to-date at the turn of the month (fake clock)', () => {
  it.each([
    ['the 1st', BOUNDARIES.firstMinuteOfMonth, false],
    ['the last minute of a month', BOUNDARIES.lastMinuteOfMonth, true],
    ['1 January', BOUNDARIES.newYear, false],
  ] as const)('on %s', async (_when, instant, hasCompleteDay) => {
    const config = loadConfig({ AGENT_HOST: '127.0.0.1', AGENT_PORT: '0', AGENT_DEMO_SCENARIO: 'demo' });
    const dated = await startAgent(config, {
      logger: pino({ level: 'silent' }),
      clock: fakeClockAt(instant),
      scheduler: new ManualScheduler(),
    });
    try {
      await dated.orgs[0]!.clients.refresh(true);
      await dated.orgs[0]!.usage.runOnce();
      const snap = (await (await fetch(`${dated.url}/api/v1/clients`)).json()) as ClientsSnapshot;
      const org = snap.orgs[0]!;
      expect(org.usage!.monthHasCompleteDay).toBe(hasCompleteDay);
      const { page, errors } = await openPage(1440, 900, dated.url);
      for (const c of org.clients) {
        const cell = page.locator(`tr[data-client-id="${c.clientId}"] .mtd`);
        const text = await cell.textContent();
        if (hasCompleteDay) {
          expect(text).toBe(`month to date ${c.usage!.monthToDate.toLocaleString('en-US')}`);
          expect(c.usage!.monthToDate).toBeGreaterThan(c.usage!.lastDayRequests);
        } else {
          // not a bare 0 under a six-figure daily count
          expect(c.usage!.monthToDate).toBe(0);
          expect(text).toBe(
            `no complete day yet this month · ${org.usage!.previousMonth}: ${c.usage!.previousMonthTotal.toLocaleString('en-US')}`,
          );
          expect(c.usage!.previousMonthTotal).toBeGreaterThan(c.usage!.lastDayRequests);
        }
      }
      if (!hasCompleteDay) await page.screenshot({ path: `${ARTIFACTS}status-page-first-of-month.png` });
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await dated.close();
    }
  });
});
