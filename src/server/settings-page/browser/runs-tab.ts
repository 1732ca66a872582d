/// <reference lib="dom" />
import type { ContractPreview } from '../../../mapping/preview';
import type { RunDetail, RunSummary } from '../../../temporal/sync-starter';
import { type AdminApi, SignedOut } from './api-client';
import { whileBusy } from './busy-control';
import { byId, h } from './dom-elements';
import { announce, clearGlobalError, messageOf, reportError, retryButton } from './page-messages';
import type { PageState, RunRowElements } from './page-state';
import { previewAnnouncement, previewView } from './preview-model';
import { previewPanelContent } from './preview-view';
import { runDetailContent, statusBadge } from './run-detail-view';
import { formatDuration, isRunning, outcomeOf } from './settings-model';

const RUNS_LIMIT = 25;
const POLL_MS = 2000;
/** How long the list waits for a run it started to show up in Temporal's visibility store. */
const AWAIT_RUN_MS = 30_000;

export interface RunsTab {
  /** Loads the runs list, then polls while a run is going or one this page started has not shown up. */
  load(): Promise<void>;
  stopPolling(): void;
  wire(): void;
}

const runKey = (run: Pick<RunSummary, 'workflowId' | 'runId'>) => `${run.workflowId}/${run.runId}`;

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

function triggerLabel(trigger: string | undefined): string {
  if (trigger === 'webhook') return 'Signed (webhook)';
  if (trigger === 'manual') return 'Re-run';
  if (trigger === 'reconcile') return 'Signed (found by reconciliation)';
  if (trigger === 'backfill') return 'Signed (backfill)';
  return trigger ?? '—';
}

/** The Runs tab: the latest runs with their results, re-running a contract, and starting a sync by id. */
export function createRunsTab(deps: { state: PageState; api: AdminApi }): RunsTab {
  const { state, api } = deps;
  const runs = state.runs;

  function stopPolling(): void {
    window.clearTimeout(runs.pollTimer);
    runs.pollTimer = undefined;
  }

  function schedulePoll(): void {
    stopPolling();
    const now = Date.now();
    for (const [id, since] of runs.awaiting) if (now - since > AWAIT_RUN_MS) runs.awaiting.delete(id);
    if (state.activeTab !== 'runs' || byId('app').hidden) return;
    if (runs.list.some(isRunning) || runs.awaiting.size > 0) {
      runs.pollTimer = window.setTimeout(() => void load(), POLL_MS);
    }
  }

  async function load(): Promise<void> {
    if (runs.loading) return;
    runs.loading = true;
    if (!runs.loaded) byId('runs-state').textContent = 'Loading runs…';
    try {
      runs.list = (await api<{ runs: RunSummary[] }>('GET', `/api/runs?limit=${RUNS_LIMIT}`)).body.runs;
      runs.loadError = null;
      runs.loaded = true;
      for (const run of runs.list) runs.awaiting.delete(run.workflowId);
    } catch (err) {
      if (err instanceof SignedOut) return;
      runs.loadError = messageOf(err);
    } finally {
      runs.loading = false;
    }
    render();
    renderPreview();
    // Open details of a run that is still going, or has just finished, follow the list.
    for (const run of runs.list) {
      const detail = runs.details.get(runKey(run));
      const shownRunning = typeof detail === 'object' && 'status' in detail && detail.status === 'RUNNING';
      if (detail !== undefined && (isRunning(run) || shownRunning)) void loadDetail(run);
    }
    schedulePoll();
  }

  async function loadDetail(run: RunSummary): Promise<void> {
    const key = runKey(run);
    if (!runs.details.has(key)) runs.details.set(key, 'loading');
    renderDetail(run);
    try {
      const detail = (
        await api<RunDetail>(
          'GET',
          `/api/runs/${encodeURIComponent(run.workflowId)}?runId=${encodeURIComponent(run.runId)}`,
        )
      ).body;
      // Closed meanwhile: the answer is dropped, and opening it again loads it afresh.
      if (runs.details.has(key)) runs.details.set(key, detail);
    } catch (err) {
      if (err instanceof SignedOut) return;
      if (runs.details.has(key)) runs.details.set(key, { error: messageOf(err) });
    }
    renderDetail(run);
  }

  function render(): void {
    const stateEl = byId('runs-state');
    const table = byId('runs-table');
    const empty = byId('runs-empty');
    if (runs.loadError) {
      stateEl.replaceChildren(
        h(
          'span',
          { class: 'banner banner-error', role: 'alert' },
          `Could not load the runs: ${runs.loadError}`,
        ),
        ' ',
        retryButton('Try again', () => void load()),
      );
    } else {
      stateEl.textContent = runs.awaiting.size > 0 ? 'Waiting for the new run to appear…' : '';
    }
    if (!runs.loaded) {
      table.hidden = true;
      empty.hidden = true;
      return;
    }
    table.hidden = runs.list.length === 0;
    empty.hidden = runs.list.length > 0;

    // Rows are kept and updated in place, never rebuilt, so that polling does not take
    // the keyboard focus away from a button in the list.
    const body = byId('runs-body');
    const wanted = new Set(runs.list.map(runKey));
    for (const [key, els] of runs.rows) {
      if (!wanted.has(key)) {
        els.row.remove();
        els.details.remove();
        runs.rows.delete(key);
        runs.details.delete(key);
      }
    }
    let cursor: ChildNode | null = body.firstChild;
    for (const run of runs.list) {
      const key = runKey(run);
      let els = runs.rows.get(key);
      if (!els) {
        els = createRunRow(run);
        runs.rows.set(key, els);
      }
      updateRunRow(run, els.row);
      if (cursor === els.row) {
        cursor = els.details.nextSibling;
      } else {
        body.insertBefore(els.row, cursor);
        body.insertBefore(els.details, cursor);
      }
    }
  }

  function createRunRow(run: RunSummary): RunRowElements {
    const key = runKey(run);
    const detailsId = `run-details-${runs.rows.size}-${Math.random().toString(36).slice(2, 8)}`;
    const contract = run.contractId !== undefined ? String(run.contractId) : '—';
    const started = formatTime(run.startTime);

    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'button-small',
        'aria-expanded': 'false',
        'aria-controls': detailsId,
        'aria-label': `Details of the run of contract ${contract} started ${started}`,
      },
      'Details',
    );
    const actions = h('td', { class: 'actions' }, toggle);
    if (run.contractId !== undefined) {
      const contractId = run.contractId;
      const rerun = h(
        'button',
        { type: 'button', class: 'button-small', 'aria-label': `Re-run contract ${contractId}` },
        'Re-run',
      );
      rerun.addEventListener('click', () => void whileBusy(rerun, () => startRun(contractId)));
      actions.append(rerun);
    }
    actions.append(
      h(
        'a',
        {
          class: 'external',
          href: run.link,
          target: '_blank',
          rel: 'noopener noreferrer',
          'aria-label': `Temporal Web UI: the run of contract ${contract} started ${started} (opens in a new tab)`,
        },
        'Temporal Web UI',
      ),
    );

    const row = h(
      'tr',
      { 'data-run': key },
      h('td', {}, h('time', { datetime: run.startTime }, started)),
      h(
        'td',
        {},
        contract,
        run.saleId !== undefined ? h('span', { class: 'property-key' }, `Sale ${run.saleId}`) : null,
      ),
      h('td', {}, triggerLabel(run.trigger)),
      h('td', { 'data-cell': 'outcome' }),
      h('td', { 'data-cell': 'duration' }),
      actions,
    );
    const details = h('tr', { class: 'run-details', id: detailsId, hidden: true }, h('td', { colspan: 6 }));
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      details.hidden = open;
      const current = runs.list.find((r) => runKey(r) === key) ?? run;
      if (open) runs.details.delete(key);
      else void loadDetail(current);
    });
    return { row, details };
  }

  function updateRunRow(run: RunSummary, row: HTMLTableRowElement): void {
    const outcome = outcomeOf(run);
    const outcomeCell = row.querySelector('[data-cell="outcome"]')!;
    if (outcomeCell.textContent !== outcome.label)
      outcomeCell.replaceChildren(statusBadge(outcome.label, outcome.tone));
    const duration = formatDuration(run.startTime, run.closeTime);
    const durationCell = row.querySelector('[data-cell="duration"]')!;
    if (durationCell.textContent !== duration) durationCell.textContent = duration;
  }

  function renderDetail(run: RunSummary): void {
    const key = runKey(run);
    const els = runs.rows.get(key);
    if (!els) return;
    const cell = els.details.firstElementChild as HTMLTableCellElement;
    const detail = runs.details.get(key);
    if (detail === undefined) return;
    cell.replaceChildren(...runDetailContent(detail));
  }

  async function startRun(contractId: number): Promise<void> {
    try {
      const { body } = await api<{ workflowId: string; runId: string; link: string }>(
        'POST',
        `/api/contracts/${contractId}/resync`,
      );
      runs.awaiting.set(body.workflowId, Date.now());
      announce(state, `Sync of contract ${contractId} started.`);
      clearGlobalError();
      await load();
    } catch (err) {
      reportError(err, `Contract ${contractId} could not be synced`);
    }
  }

  function renderPreview(): void {
    const panel = byId('preview-panel');
    const preview = runs.preview;
    panel.hidden = preview === null;
    panel.replaceChildren(...(preview ? previewPanelContent(preview) : []));
  }

  /** Asks the API what a sync would write; only reads, so it may be asked any number of times. */
  async function showPreview(contractId: number): Promise<void> {
    const request = ++runs.previewRequests;
    runs.preview = { kind: 'loading', contractId };
    renderPreview();
    try {
      const { body } = await api<ContractPreview>('POST', `/api/contracts/${contractId}/preview`);
      if (request !== runs.previewRequests) return;
      runs.preview = { kind: 'shown', preview: body };
      announce(state, previewAnnouncement(previewView(body)));
    } catch (err) {
      if (err instanceof SignedOut || request !== runs.previewRequests) return;
      // Shown in the panel, where the admin looks for the preview: not signed, not found, Oneflow down.
      runs.preview = { kind: 'error', contractId, message: messageOf(err) };
    }
    renderPreview();
  }

  function wire(): void {
    const refresh = byId('runs-refresh');
    refresh.addEventListener('click', () => void whileBusy(refresh, load));
    const input = byId<HTMLInputElement>('sync-contract');
    const error = byId('sync-error');
    /** The contract id typed, or null after saying what is wrong with it. */
    const contractIdTyped = (): number | null => {
      const raw = input.value.trim();
      if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) {
        error.textContent = 'Give a Oneflow contract id: a whole number such as 9001.';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return null;
      }
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      return Number(raw);
    };
    byId('sync-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const contractId = contractIdTyped();
      if (contractId === null) return;
      const submit = (event.target as HTMLFormElement).querySelector(
        'button[type="submit"]',
      ) as HTMLButtonElement;
      void whileBusy(submit, () => startRun(contractId));
    });
    const preview = byId<HTMLButtonElement>('sync-preview');
    preview.addEventListener('click', () => {
      const contractId = contractIdTyped();
      if (contractId !== null) void whileBusy(preview, () => showPreview(contractId));
    });
  }

  return { load, stopPolling, wire };
}
