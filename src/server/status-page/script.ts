/**
 * The status page's browser script, served as `/status.js` (no inline code under the CSP). It polls
 * `/api/v1/clients` and `/api/v1/events` and rebuilds the page with DOM calls only (names are never
 * parsed as HTML).
 */
import { HIGH_429_SHARE, HOT_UTILIZATION, percent } from '../../model/thresholds.js';

export const STATUS_JS = `'use strict';
(() => {
  const REFRESH_MS = 5000;
  const MAX_EVENTS = 5;
  // From src/model/thresholds.ts, shared with \`once\` and the alerts.
  const HOT_UTILIZATION = ${JSON.stringify(HOT_UTILIZATION)};
  const HIGH_429_SHARE = ${JSON.stringify(HIGH_429_SHARE)};
  // A freshness is its own tag class, but for 'near real time'.
  const FRESH_CLASS = { 'near real time': 'nrt' };
  const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  const tag = (freshness) => el('span', { class: 'tag ' + (FRESH_CLASS[freshness] || freshness), text: freshness });
  const none = (text) => el('span', { class: 'none', text });
  const num = (n) => (n === null || n === undefined ? none('–') : int.format(n));
  const pct = (r, digits) => (r === null || r === undefined ? none('–') : (r * 100).toFixed(digits) + ' %');

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 90) return s + ' s';
    if (s < 5400) return Math.round(s / 60) + ' min';
    if (s < 172800) return Math.round(s / 3600) + ' h';
    return Math.round(s / 86400) + ' d';
  }
  const ago = (iso, nowMs) => (iso ? duration((nowMs - Date.parse(iso)) / 1000) + ' ago' : 'never');

  const COLUMNS = [
    ['Client', null],
    ['Requests/min', 'live'],
    ['Busiest token vs limit', 'live'],
    ['429s · 5 min', 'live'],
    ['Requests · last complete day', 'daily'],
    ['429 share · last day', 'daily'],
    ['Latest rate-limit warning', 'near real time'],
  ];

  function cell(i, content, cls) {
    const [label, freshness] = COLUMNS[i];
    // One wrapper per cell, so the phone layout's two-column grid gets exactly label + value.
    return el('td', { class: cls, 'data-label': freshness ? label + ' (' + freshness + ')' : label }, el('div', { class: 'v' }, ...[content].flat()));
  }

  function utilizationBar(c) {
    const u = c.utilization;
    const bar = el('div', { class: 'bar' + (u >= HOT_UTILIZATION ? ' hot' : u >= 0.6 ? ' warn' : ''), role: 'img', 'aria-label': 'utilisation ' + (u * 100).toFixed(0) + ' percent' });
    const fill = el('span');
    // CSSOM writes are allowed under style-src 'self' (unlike style attributes).
    fill.style.width = Math.min(100, Math.max(0, u * 100)).toFixed(1) + '%';
    bar.append(fill, el('i', { title: '${percent(HOT_UTILIZATION)} % of the limit' }));
    return bar;
  }

  // On the 1st no complete day of the month exists: say so, with the previous month's total, not a bare 0.
  function monthToDate(c, usage) {
    if (!usage || usage.monthHasCompleteDay) return el('span', { class: 'id mtd', text: 'month to date ' + int.format(c.usage.monthToDate) });
    const previous = usage.previousMonth + (usage.previousMonthComplete ? '' : ' so far');
    return el('span', { class: 'id mtd', 'data-no-complete-day': 'true', text: 'no complete day yet this month · ' + previous + ': ' + int.format(c.usage.previousMonthTotal) });
  }

  // Records before the agent started are listed but not counted: say so rather than "0× … 37 s ago".
  function warningText(w, nowMs) {
    return 'latest ' + ago(w.lastSeen, nowMs) + ' · ' + (w.count > 0 ? int.format(w.count) + ' since the agent started' : 'from before the agent started')
      + (w.max === null || w.max === undefined ? '' : ' · limit ' + int.format(w.max));
  }

  // Rows opened to show their endpoints, kept across the refreshes that rebuild the page.
  const opened = new Set();
  let lastSnapshot = null;
  const endpointsOf = (c) => [(c.endpoints && c.endpoints.live) || [], (c.endpoints && c.endpoints.lastDay) || []];

  function endpointTable(caption, freshness, rows, live) {
    if (rows.length === 0) return el('p', { class: 'none', text: caption + ': none' });
    const t = el('table', { class: 'endpoints' }, el('caption', {}, caption + ' ', tag(freshness)));
    t.append(el('tr', {}, el('th', { text: 'Endpoint' }), el('th', { text: live ? 'Requests/min' : 'Requests' }), el('th', { text: '429s' })));
    for (const e of rows)
      t.append(el('tr', {}, el('td', { class: 'ep', text: e.method + ' ' + e.endpoint }), el('td', { class: 'num', text: int.format(live ? e.perMinute : e.requests) }), el('td', { class: 'num', text: int.format(e.rateLimited) })));
    return t;
  }

  function endpointsRow(c, key) {
    const [live, lastDay] = endpointsOf(c);
    const td = el('td', { colspan: String(COLUMNS.length) },
      endpointTable('Top endpoints now', 'live', live, true),
      endpointTable('Top endpoints · last complete day', 'daily', lastDay, false));
    return el('tr', { class: 'endpoints', id: 'endpoints-' + key }, td);
  }

  function expandButton(c, key) {
    const [live, lastDay] = endpointsOf(c);
    if (live.length + lastDay.length === 0) return null;
    const open = opened.has(key);
    const b = el('button', { type: 'button', class: 'expand', 'aria-expanded': String(open), 'aria-controls': 'endpoints-' + key, text: open ? 'hide endpoints' : 'top endpoints' });
    b.addEventListener('click', () => {
      if (!opened.delete(key)) opened.add(key);
      if (lastSnapshot) render(...lastSnapshot);
    });
    return b;
  }

  function clientRow(c, nowMs, usage, key) {
    const live = c.live;
    const near = c.utilization !== null && c.utilization >= HOT_UTILIZATION;
    const limited = !!live && live.rateLimited5m > 0;
    const tr = el('tr', { class: near || limited ? 'hot' : undefined, 'data-client-id': c.clientId });
    tr.append(
      cell(0, [
        el('span', { class: 'name clip', text: c.clientName + (c.exists ? '' : ' (deleted)'), title: c.clientName }),
        near ? el('span', { class: 'badge', text: 'near limit' }) : null,
        limited ? el('span', { class: 'badge', text: '429s' }) : null,
        c.usage && c.usage.share429 !== null && c.usage.share429 > HIGH_429_SHARE ? el('span', { class: 'badge warn', text: '429 share', title: 'over ${percent(HIGH_429_SHARE)} % of the last day requests got 429' }) : null,
        el('span', { class: 'id clip', text: c.clientId, title: c.clientId }),
        expandButton(c, key),
      ].filter(Boolean), 'client'),
      cell(1, live ? [el('span', { class: 'num', text: int.format(live.requestsPerMinute) }), el('span', { class: 'id', text: live.activeTokens + ' token' + (live.activeTokens === 1 ? '' : 's') + ' · ' + live.inflight + ' in flight' })] : none('no gateway traffic'), 'num'),
      cell(2, live && c.utilization !== null
        ? [el('span', { text: int.format(live.peakTokenRequestsPerMinute) + ' / ' + int.format(c.limit) + ' · ' + (c.utilization * 100).toFixed(0) + ' %' }), utilizationBar(c)]
        : [none('limit ' + int.format(c.limit) + '/min per token')]),
      cell(3, live ? num(live.rateLimited5m) : none('–'), 'num'),
      cell(4, c.usage ? [num(c.usage.lastDayRequests), monthToDate(c, usage)] : none('no usage data'), 'num'),
      cell(5, c.usage ? pct(c.usage.share429, 2) : none('–'), 'num'),
      cell(6, c.latestWarning
        ? [el('span', { class: 'clip', text: c.latestWarning.limitKey, title: c.latestWarning.limitKey }), el('span', { class: 'id', text: warningText(c.latestWarning, nowMs) })]
        : none('none')),
    );
    return tr;
  }

  function sourceItem(s, org, nowMs) {
    const age = s.source === 'usage' && org.usage && org.usage.dataAgeSeconds !== null
      ? org.usage.dataAgeSeconds
      : s.lastSuccess ? (nowMs - Date.parse(s.lastSuccess)) / 1000 : null;
    return el('li', { 'data-source': s.source },
      el('strong', { text: s.source + ' ' }), tag(s.freshness), ' ',
      el('span', { class: 'state ' + (s.up ? 'up' : 'down'), text: s.up ? 'up' : s.lastSuccess ? 'failing' : 'not yet' }),
      ' · last success ' + ago(s.lastSuccess, nowMs),
      ' · data age ' + (age === null ? '–' : duration(age)),
      s.lastError ? el('span', { class: 'id clip', text: s.lastError, title: s.lastError }) : null,
    );
  }

  function orgSection(org, nowMs, events) {
    const section = el('section', { 'data-org': org.org });
    section.append(
      el('h2', { class: 'clip', title: org.org, text: 'Org ' + org.org + (org.usage && org.usage.lastCompleteDay ? ' · last complete day ' + org.usage.lastCompleteDay : '') }),
      el('ul', { class: 'sources' }, ...org.sources.map((s) => sourceItem(s, org, nowMs))),
    );
    const head = el('tr');
    for (const [label, freshness] of COLUMNS) head.append(el('th', { scope: 'col' }, label + ' ', freshness ? tag(freshness) : null));
    const body = el('tbody');
    for (const c of org.clients) {
      // Also the element id: percent-encoding leaves no spaces, whatever the org or client id holds.
      const key = encodeURIComponent(org.org) + '.' + encodeURIComponent(c.clientId);
      body.append(clientRow(c, nowMs, org.usage, key));
      if (opened.has(key)) body.append(endpointsRow(c, key));
    }
    if (org.clients.length === 0) body.append(el('tr', {}, el('td', { colspan: String(COLUMNS.length), class: 'none', text: 'No clients seen yet.' })));
    section.append(el('table', {}, el('thead', {}, head), body));
    const u = org.unidentified;
    if (u) section.append(el('p', { class: 'unidentified small' }, el('strong', { text: 'Unidentified requests' }), ' (no bearer token, or one Genesys did not recognise) ', tag('live'),
      ' ' + int.format(u.requestsPerMinute) + '/min · ' + int.format(u.inflight) + ' in flight · ' + int.format(u.rateLimited5m) + ' 429s in 5 min'));
    if (events) section.append(eventList(events, nowMs));
    return section;
  }

  function eventList(events, nowMs) {
    const list = el('ul', { class: 'events' });
    for (const e of events.slice(0, MAX_EVENTS)) {
      const change = e.previousValue !== null || e.currentValue !== null ? (e.previousValue ?? '–') + ' → ' + (e.currentValue ?? '–') : null;
      list.append(el('li', {}, el('span', { class: 'when', text: ago(new Date(e.timestamp).toISOString(), nowMs) }), ' ',
        el('strong', { text: e.eventDefinitionName }), e.rateLimit ? el('span', { class: 'badge', text: 'rate limit' }) : null,
        el('span', { class: 'id', text: [e.entityName || e.entityId, change, e.errorCode, e.source].filter(Boolean).join(' · ') })));
    }
    if (events.length === 0) list.append(el('li', { class: 'none', text: 'No operational events seen yet.' }));
    return el('div', { class: 'events-box' }, el('h3', {}, 'Operational events ', tag('near real time')), list);
  }

  function render(snapshot, events) {
    lastSnapshot = [snapshot, events];
    const nowMs = Date.parse(snapshot.generatedAt);
    document.getElementById('demo').hidden = !snapshot.demo;
    document.getElementById('error').hidden = true;
    document.getElementById('signin').hidden = true;
    document.getElementById('updated').textContent = 'updated ' + new Date(nowMs).toLocaleTimeString() + ' (every ' + REFRESH_MS / 1000 + ' s)';
    document.getElementById('orgs').replaceChildren(...snapshot.orgs.map((o, i) => orgSection(o, nowMs, events[i])));
    document.body.dataset.loaded = 'true';
  }

  // AGENT_AUTH_TOKEN: a browser cannot send a bearer token by itself, so the page asks for it once
  // per tab and keeps it in sessionStorage (gone with the tab; never in a URL, cookie or log).
  const TOKEN_KEY = 'genesys-usage-agent:token';
  class SignInNeeded extends Error {}

  async function api(path) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    const res = await fetch(path, { cache: 'no-store', headers });
    if (res.status === 401) {
      if (token) sessionStorage.removeItem(TOKEN_KEY);
      signIn(res.headers.get('www-authenticate') || '', Boolean(token));
      throw new SignInNeeded();
    }
    if (!res.ok) throw new Error('HTTP ' + res.status);
    return res.json();
  }

  // The advice follows what the agent accepts, as its 401 challenge says.
  function signIn(challenge, refused) {
    const bearer = /bearer/i.test(challenge);
    const basic = /basic/i.test(challenge);
    document.getElementById('signin-why').textContent = refused
      ? 'The agent refused that token; enter it again.'
      : 'This agent protects its figures' + (bearer ? ' with a token (AGENT_AUTH_TOKEN).' : ' with basic credentials (AGENT_AUTH_BASIC_FILE).');
    document.getElementById('signin-token').hidden = !bearer;
    document.getElementById('signin-basic').hidden = !basic;
    document.getElementById('signin-basic-lead').textContent = bearer ? 'Or sign in' : 'Sign in';
    document.getElementById('signin').hidden = false;
    document.getElementById('error').hidden = true;
  }

  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    try {
      const snapshot = await api('/api/v1/clients');
      // A failing events request leaves the events out, not the page.
      const events = await Promise.all(snapshot.orgs.map((o) => api('/api/v1/events?org=' + encodeURIComponent(o.org)).then((r) => r.events, () => null)));
      render(snapshot, events);
    } catch (err) {
      if (!(err instanceof SignInNeeded)) {
        const box = document.getElementById('error');
        box.textContent = 'Cannot refresh from the agent (' + err.message + ')' + (document.body.dataset.loaded ? '; showing the last data.' : '.');
        box.hidden = false;
      }
    } finally {
      timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  document.getElementById('signin').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = document.getElementById('token');
    const token = input.value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    input.value = '';
    refresh();
  });
  refresh();
})();
`;
