import { HOT_UTILIZATION, percent } from '../../model/thresholds.js';

/** Status page styles: a table on a laptop, one card per client on a phone (no horizontal scroll). */
export const STATUS_CSS = `:root {
  --bg: #f6f7f9; --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --card: #fff;
  --ok: #2f9e44; --warn: #e8a200; --hot: #d6336c; --hot-bg: #fff0f4; --demo: #fff3bf;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171d; --fg: #e6e9ef; --muted: #9aa3b5; --line: #2d3340; --card: #1c2029; --hot-bg: #3a1826; --demo: #4a3d00; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: inherit; }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.top { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .25rem 1rem; }
.meta, .legend, .small { color: var(--muted); font-size: .85rem; }
.banner { margin: .75rem 0; padding: .6rem .8rem; border-radius: 6px; background: var(--demo); overflow-wrap: anywhere; }
.banner.error { background: var(--hot-bg); border-left: 4px solid var(--hot); }
.tag { display: inline-block; padding: 0 .35rem; border-radius: 4px; font-size: .72rem; font-weight: 600; text-transform: uppercase; letter-spacing: .02em; white-space: nowrap; vertical-align: middle; }
.tag.live { background: #d3f9d8; color: #1b5e20; }
.tag.nrt { background: #d0ebff; color: #0b4a7d; }
.tag.daily { background: #e9ecef; color: #343a40; }
.tag.static { background: #f3f0ff; color: #4c3a99; }
.sources { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 .75rem; padding: 0; list-style: none; }
.sources li { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .35rem .6rem; font-size: .85rem; max-width: 100%; overflow-wrap: anywhere; }
.state { font-weight: 700; }
.state.up { color: var(--ok); }
.state.down { color: var(--hot); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
th, td { padding: .45rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: .78rem; color: var(--muted); font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; }
tr.hot td { background: var(--hot-bg); }
tr.hot td:first-child { box-shadow: inset 4px 0 0 var(--hot); }
.name { font-weight: 600; overflow-wrap: anywhere; }
.id { display: block; color: var(--muted); font-size: .75rem; overflow-wrap: anywhere; }
.v { min-width: 0; overflow-wrap: break-word; }
.badge.warn { background: var(--warn); color: #1d2330; }
.badge { display: inline-block; margin-left: .35rem; padding: 0 .35rem; border-radius: 4px; background: var(--hot); color: #fff; font-size: .72rem; font-weight: 700; white-space: nowrap; }
.bar { position: relative; height: .55rem; min-width: 8rem; margin-top: .25rem; background: var(--line); border-radius: 3px; overflow: hidden; }
.bar > span { position: absolute; inset: 0 auto 0 0; width: 0; background: var(--ok); }
.bar.warn > span { background: var(--warn); }
.bar.hot > span { background: var(--hot); }
.bar > i { position: absolute; top: 0; bottom: 0; left: ${percent(HOT_UTILIZATION)}%; width: 2px; background: var(--fg); opacity: .35; }
.none { color: var(--muted); }
.loading { color: var(--muted); padding: 2rem 0; }
.loading::before { content: ""; display: inline-block; width: .8rem; height: .8rem; margin-right: .5rem; border: 2px solid var(--line); border-top-color: var(--fg); border-radius: 50%; animation: spin 1s linear infinite; vertical-align: -.1rem; }
@keyframes spin { to { transform: rotate(360deg); } }
#signin p { margin: .3rem 0; }
#signin input { font: inherit; max-width: 100%; }
.unidentified { margin: .5rem 0 0; }
h3 { font-size: .95rem; margin: 1rem 0 .4rem; }
.events { margin: 0; padding: 0; list-style: none; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
.events li { padding: .35rem .6rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.events li:last-child { border-bottom: 0; }
.events .when { color: var(--muted); font-size: .85rem; }
.expand { margin-top: .25rem; padding: .1rem .45rem; font: inherit; font-size: .78rem; color: inherit; background: none; border: 1px solid var(--line); border-radius: 4px; cursor: pointer; }
tr.endpoints > td { background: var(--bg); }
table.endpoints { width: auto; min-width: min(36rem, 100%); margin: 0 0 .5rem; }
table.endpoints caption { text-align: left; font-size: .85rem; font-weight: 600; padding: .2rem 0; }
table.endpoints td, table.endpoints th { padding: .2rem .5rem; }
td.ep { font-family: ui-monospace, monospace; font-size: .8rem; overflow-wrap: anywhere; }
/* Names and texts from Genesys: one line, cut with an ellipsis; the full value is in the title (hover) and the JSON API. */
.clip { display: block; max-width: 24rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.name.clip { display: inline-block; vertical-align: bottom; }
h2.clip, .sources .clip { max-width: 100%; }
@media (max-width: 760px) {
  body { padding: .6rem; }
  table, thead, tbody, tr, td { display: block; width: 100%; }
  table { border: 0; background: none; }
  thead { display: none; }
  tr { margin: 0 0 .6rem; background: var(--card); border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
  tr.hot { border-color: var(--hot); border-left-width: 5px; }
  tr.hot td:first-child { box-shadow: none; }
  td { display: grid; grid-template-columns: minmax(0, 9.5rem) minmax(0, 1fr); gap: .5rem; border-bottom: 1px solid var(--line); }
  td:last-child { border-bottom: 0; }
  td::before { content: attr(data-label); color: var(--muted); font-size: .78rem; }
  td.client { display: block; }
  td.client::before { content: none; }
  .bar { min-width: 0; }
  tr.endpoints > td, table.endpoints td { display: block; }
  tr.endpoints > td::before, table.endpoints td::before { content: none; }
  table.endpoints tr { margin: 0; border: 0; border-bottom: 1px solid var(--line); border-radius: 0; }
  .clip { max-width: 100%; }
}
`;
