import { HIGH_429_SHARE, HOT_UTILIZATION, percent } from '../../model/thresholds.js';
import { catalogue } from '../../telemetry/catalogue.js';

/** The status page shell; `/status.js` fills `#orgs` from `/api/v1/clients`. */
export const STATUS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>genesys-usage-agent · status</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/status.css">
<script src="/status.js" defer></script>
</head>
<body>
<header class="top">
  <h1>Genesys Cloud API usage</h1>
  <p class="meta"><span id="updated">loading…</span> · <a href="/metrics">/metrics</a> · <a href="/api/v1/clients">JSON</a></p>
</header>
<div id="demo" class="banner" hidden><strong>DEMO MODE</strong> — no Genesys credentials configured. Every figure below comes from the embedded simulator and generated gateway traffic, not from a real org.</div>
<div id="error" class="banner error" hidden></div>
<form id="signin" class="banner" hidden>
  <p id="signin-why"></p>
  <p id="signin-token"><label>Token <input id="token" type="password" autocomplete="off" spellcheck="false"></label> <button type="submit">Show the figures</button><br><span class="small">Kept in this tab only (sessionStorage) and sent as <code>Authorization: Bearer</code>.</span></p>
  <p id="signin-basic"><span id="signin-basic-lead">Sign in</span> with a user of AGENT_AUTH_BASIC_FILE: open <a href="/api/v1/clients">/api/v1/clients</a> once, let the browser ask for the user and password, then reload this page.</p>
</form>
<main id="orgs"><p class="loading" id="loading">Loading the agent's figures…</p><noscript>This page needs JavaScript; the same data is at <a href="/api/v1/clients">/api/v1/clients</a>.</noscript></main>
<footer class="legend">
  <p><span class="tag live">live</span> measured by the agent's gateway, sliding 60 s ·
  <span class="tag nrt">near real time</span> platform rate-limit records (≥ 90 % of a limit), polled every minute ·
  <span class="tag daily">daily</span> Usage API, complete days only.</p>
  <p>Marked rows: busiest token at ≥ ${percent(HOT_UTILIZATION)} % of its per-token limit, or upstream 429s in the last 5 minutes.</p>
  <p>Badges: <span class="badge">near limit</span> busiest token at ≥ ${percent(HOT_UTILIZATION)} % of its limit ·
  <span class="badge">429s</span> Genesys answered 429 through the gateway in the last 5 minutes ·
  <span class="badge warn">429 share</span> more than ${percent(HIGH_429_SHARE)} % of the client's requests on the last complete day were answered 429 (Usage API) ·
  <span class="badge">rate limit</span> an operational event about a rate limit.</p>
  <p>Rate-limit warnings: when the latest record was seen, how many records the agent counted since it started (the same number as <code>${catalogue.rateLimitWarnings.prometheusName}</code>; older records are listed, not counted), and the limit Genesys recorded.</p>
  <p>Unidentified requests: gateway requests with no bearer token or one Genesys did not recognise; no client can be named for them.</p>
</footer>
</body>
</html>
`;
