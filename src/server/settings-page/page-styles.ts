/** The settings page's stylesheet, as a string so that `npm run build` carries it into dist/. */
export const SETTINGS_PAGE_CSS = `
:root {
  --ink: #1d2330;
  --ink-soft: #4a5468;
  --line: #d5dae3;
  --paper: #ffffff;
  --canvas: #f4f6f9;
  --accent: #1f5fd6;
  --accent-ink: #ffffff;
  --accent-soft: #e7eefc;
  --focus: #f0a500;
  --success: #16734a;
  --success-soft: #e3f4eb;
  --warning: #8a5300;
  --warning-soft: #fdf1dc;
  --danger: #b3261e;
  --danger-soft: #fbe7e6;
  --neutral-soft: #eceff4;
  --radius: 8px;
  color-scheme: light;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px;
  line-height: 1.5;
  color: var(--ink);
  background: var(--canvas);
}
* { box-sizing: border-box; }
body { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; background: var(--neutral-soft); padding: 0.05em 0.3em; border-radius: 4px; }
a { color: var(--accent); }
h1, h2, h3 { line-height: 1.25; margin: 0 0 0.5rem; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.3rem; }
h3 { font-size: 1.05rem; }
p { margin: 0 0 0.75rem; }
[hidden] { display: none !important; }

.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.skip-link { position: absolute; left: -999px; top: 0.5rem; background: var(--paper); padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { left: 0.5rem; }

:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input:focus-visible, select:focus-visible { outline-offset: 0; }

.app-header {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: 0.75rem 1.5rem; background: #14213d; color: #fff;
}
.brand { margin: 0; font-weight: 650; font-size: 1.1rem; }
.brand-mark { color: #ffd24d; }
.brand-sub { font-weight: 400; opacity: 0.8; margin-left: 0.5rem; font-size: 0.9rem; }
.app-header .button-quiet { color: #fff; border-color: rgba(255,255,255,0.5); background: transparent; }

main { max-width: 1120px; margin: 0 auto; padding: 1.5rem; outline: none; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: var(--radius); padding: 1.5rem; }
.narrow { max-width: 460px; margin: 2rem auto; }
.lead { color: var(--ink-soft); max-width: 70ch; }
.help { color: var(--ink-soft); font-size: 0.9rem; margin: 0.15rem 0 0.4rem; }
.optional { color: var(--ink-soft); font-weight: 400; }

button, .button {
  font: inherit; display: inline-flex; align-items: center; gap: 0.35rem; cursor: pointer;
  padding: 0.45rem 0.9rem; border-radius: 6px; border: 1px solid #aab3c2; background: var(--paper); color: var(--ink);
  min-height: 2.25rem; text-decoration: none;
}
button:hover, .button:hover { background: var(--neutral-soft); }
button:disabled { opacity: 0.55; cursor: not-allowed; }
.button-primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); font-weight: 600; }
.button-primary:hover { background: #184db0; }
.button-danger { color: var(--danger); border-color: #e0a9a5; }
.button-danger:hover { background: var(--danger-soft); }
.button-small { padding: 0.2rem 0.6rem; min-height: 1.9rem; font-size: 0.9rem; }
button[aria-disabled="true"] { opacity: 0.6; cursor: progress; }
.backfill { margin-top: 2rem; border-top: 1px solid #e3e7ee; padding-top: 1rem; }
#backfill-progress { width: 100%; height: 1rem; }
.button-row, .toolbar { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: flex-end; margin: 0.75rem 0; }
.toolbar { justify-content: space-between; }

.field { margin-bottom: 1rem; border: 0; padding: 0; }
.field > label, legend { display: block; font-weight: 600; margin-bottom: 0.2rem; }
input[type="text"], input:not([type]), input[type="password"], input[type="number"], select {
  font: inherit; width: 100%; max-width: 34rem; padding: 0.45rem 0.6rem; border: 1px solid #98a2b3; border-radius: 6px; background: var(--paper); color: var(--ink);
}
input[aria-invalid="true"], select[aria-invalid="true"] { border-color: var(--danger); box-shadow: 0 0 0 1px var(--danger); }
.checkbox-field, .radio-field { display: flex; align-items: center; gap: 0.5rem; margin-bottom: 0.35rem; }
.checkbox-field label, .radio-field label { font-weight: 400; margin: 0; }
.field-error { color: var(--danger); font-size: 0.9rem; margin: 0.25rem 0 0; min-height: 0; }
.field-error:empty { display: none; }
.field-warning { color: var(--warning); background: var(--warning-soft); border-radius: 6px; padding: 0.4rem 0.6rem; font-size: 0.9rem; margin: 0.4rem 0 0; max-width: 34rem; }
.form-errors { color: var(--danger); background: var(--danger-soft); border-radius: 6px; padding: 0.6rem 0.9rem; margin: 0.75rem 0; }
.form-errors ul { margin: 0.25rem 0 0; padding-left: 1.2rem; }
.inline-fields { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; }
.inline-fields .field { margin-bottom: 0; }
.inline-fields input { width: 16rem; }
#sync-form input { width: 10rem; }
#sync-form .field { display: flex; flex-direction: column; }
#sync-form .field-error { flex-basis: 100%; }

.banner { border-radius: var(--radius); padding: 0.75rem 1rem; margin-bottom: 1rem; }
.banner-error { background: var(--danger-soft); color: var(--danger); border: 1px solid #efc1bd; }
.banner-warning { background: var(--warning-soft); color: var(--warning); border: 1px solid #f1d6a6; }
.banner button { margin-left: 0.5rem; }
.toast:empty { display: none; }
.toast {
  position: fixed; right: 1.25rem; bottom: 1.25rem; z-index: 20; max-width: 28rem;
  background: #14213d; color: #fff; padding: 0.7rem 1rem; border-radius: var(--radius); box-shadow: 0 6px 24px rgba(0,0,0,0.2);
}

.tabs { display: flex; gap: 0.25rem; border-bottom: 2px solid var(--line); margin-bottom: 0; flex-wrap: wrap; }
[role="tab"] {
  border: 1px solid transparent; border-bottom: none; border-radius: var(--radius) var(--radius) 0 0;
  background: transparent; padding: 0.6rem 1rem; color: var(--ink-soft); font-weight: 600; margin-bottom: -2px;
}
[role="tab"]:hover { background: var(--neutral-soft); color: var(--ink); }
[role="tab"][aria-selected="true"] { background: var(--paper); color: var(--accent); border-color: var(--line); border-bottom: 2px solid var(--paper); }
.panel { background: var(--paper); border: 1px solid var(--line); border-top: none; border-radius: 0 0 var(--radius) var(--radius); padding: 1.5rem; }
.panel:focus-visible { outline-offset: -3px; }
.subsection { border-top: 1px solid var(--line); margin-top: 1.75rem; padding-top: 1.25rem; }
.panel-state:empty { display: none; }
.panel-state { margin: 0.5rem 0 1rem; color: var(--ink-soft); }
.empty-state { border: 1px dashed #b8c0cd; border-radius: var(--radius); padding: 1.25rem; background: #fafbfc; }

.switches { display: grid; gap: 0.75rem; margin: 1rem 0; }
.switch-row { display: flex; gap: 1rem; align-items: flex-start; padding: 1rem; border: 1px solid var(--line); border-radius: var(--radius); }
.switch-row label { font-weight: 650; font-size: 1.05rem; }
.switch-row .help { margin-bottom: 0; max-width: 70ch; }
input[role="switch"] {
  appearance: none; -webkit-appearance: none; flex: none; cursor: pointer; margin: 0.15rem 0 0;
  width: 3rem; height: 1.65rem; border-radius: 1rem; background: #98a2b3; position: relative; transition: background 0.15s;
}
input[role="switch"]::before {
  content: ""; position: absolute; top: 0.2rem; left: 0.2rem; width: 1.25rem; height: 1.25rem; border-radius: 50%;
  background: #fff; transition: transform 0.15s; box-shadow: 0 1px 2px rgba(0,0,0,0.3);
}
input[role="switch"]:checked { background: var(--accent); }
input[role="switch"]:checked::before { transform: translateX(1.35rem); }
input[role="switch"]:disabled { opacity: 0.6; cursor: progress; }
@media (prefers-reduced-motion: reduce) { input[role="switch"], input[role="switch"]::before { transition: none; } }

.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 0; }
th, td { text-align: left; padding: 0.55rem 0.65rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 0.85rem; text-transform: none; color: var(--ink-soft); background: #f8f9fb; border-bottom: 2px solid var(--line); }
td.actions { white-space: nowrap; text-align: right; }
td.actions > * + * { margin-left: 0.4rem; }
.property-key { display: block; color: var(--ink-soft); font-size: 0.85rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.ready { font-size: 1.2rem; color: #b07800; }
.not-ready { color: var(--warning); font-size: 0.9rem; display: flex; gap: 0.35rem; }
.not-ready-icon { flex: none; }
tr.row-not-ready > td { background: #fffaf0; }

.badge { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 999px; font-size: 0.85rem; font-weight: 600; white-space: nowrap; }
.tone-success { background: var(--success-soft); color: var(--success); }
.tone-warning { background: var(--warning-soft); color: var(--warning); }
.tone-danger { background: var(--danger-soft); color: var(--danger); }
.tone-neutral { background: var(--neutral-soft); color: var(--ink-soft); }
.tone-running { background: var(--accent-soft); color: var(--accent); }

tr.run-details > td { background: #fafbfc; padding: 1rem 1.25rem 1.25rem; }
.run-meta { color: var(--ink-soft); font-size: 0.9rem; }
.preview-panel { border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.25rem; margin: 1rem 0; background: #fafbfc; }
.preview-panel h3 { margin-top: 0; }
.preview-panel tr.preview-changed { background: var(--success-soft); }
.preview-panel .changed-mark { color: var(--success); margin-right: 0.35rem; }
.connection-card { border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.25rem; margin: 1rem 0; }
.connection-card h3 { margin-top: 0; display: flex; gap: 0.6rem; align-items: center; }
.connection-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; margin: 0.5rem 0; }
.connection-facts dt { color: var(--ink-soft); }
.connection-facts dd { margin: 0; overflow-wrap: anywhere; }
.connection-facts .fact-danger { color: var(--danger); }
.resources { list-style: none; padding: 0; margin: 0.5rem 0 0; display: grid; gap: 0.75rem; }
.resource { border: 1px solid var(--line); border-radius: var(--radius); background: var(--paper); padding: 0.75rem 1rem; }
.resource h4 { margin: 0 0 0.35rem; font-size: 1rem; display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
.resource .error { color: var(--danger); margin: 0.25rem 0; }
.resource table { margin-top: 0.25rem; font-size: 0.92rem; table-layout: fixed; }
.resource th:nth-child(1) { width: 26%; }
.resource th:nth-child(2) { width: 12%; }
.resource th:nth-child(3) { width: 22%; }
.resource th:nth-child(4) { width: 22%; }
.resource td { overflow-wrap: anywhere; }
tr.run-details > td .run-meta:first-child { margin-top: 0; }
button[aria-expanded="true"] { background: var(--accent-soft); border-color: var(--accent); }
.resource th, .resource td { padding: 0.3rem 0.5rem; }
.notes { margin: 0.5rem 0 0; padding-left: 1.2rem; color: var(--ink-soft); }
.external::after { content: " ↗"; }

dialog { border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem; width: min(36rem, 94vw); color: var(--ink); }
dialog::backdrop { background: rgba(20, 33, 61, 0.45); }
.dialog-actions { display: flex; justify-content: flex-end; gap: 0.6rem; margin-top: 1.25rem; }

@media (max-width: 720px) {
  main { padding: 0.75rem; }
  .panel { padding: 1rem; }
  [role="tab"] { padding: 0.5rem 0.7rem; }
}
`;
