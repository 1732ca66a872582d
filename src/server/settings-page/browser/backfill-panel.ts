/// <reference lib="dom" />
import type { BackfillStatus, BackfillSummary } from '../../../temporal/backfills';
import type { BackfillProgress } from '../../../workflow-contract';
import { type AdminApi, ApiError, SignedOut } from './api-client';
import { whileBusy } from './busy-control';
import { byId, h } from './dom-elements';
import { messageOf, reportError, showErrorList } from './page-messages';

const POLL_MS = 2000;

export interface BackfillPanel {
  /** Shows the latest backfill (and follows it while it runs). */
  load(): Promise<void>;
  wire(): void;
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${s} s`;
}

/** The headline: what is done out of how many, and the time left; the same numbers as the CLI's bar. */
export function backfillHeadline(status: BackfillStatus): string {
  const p = status.progress;
  if (!p) {
    if (status.status === 'RUNNING')
      return `Backfill running; ${status.progressUnavailable ?? 'no progress yet'}`;
    return `Backfill ended ${status.status.toLowerCase()}${status.failure ? `: ${status.failure}` : ''}`;
  }
  const of = p.total === null ? '?' : `${p.totalIsEstimate ? 'about ' : ''}${p.total}`;
  const what = p.dryRun ? 'Dry run' : 'Backfill';
  const period = `signed ${p.signedSince.slice(0, 10)} to ${p.signedUntil.slice(0, 10)}`;
  if (p.phase === 'completed')
    return `${what} completed (${period}): ${p.done} of ${p.total ?? p.done} contracts.`;
  if (p.phase === 'cancelled') return `${what} cancelled (${period}) after ${p.done} contracts.`;
  const eta = p.etaSeconds === null ? '' : `, about ${duration(p.etaSeconds)} left`;
  return `${what} ${p.phase} (${period}): ${p.done} of ${of} contracts${eta}.`;
}

export function backfillCounts(p: BackfillProgress): string {
  const c = p.counts;
  if (p.dryRun) return `Listed ${c.listed} signed contracts; nothing was started or written.`;
  return [
    `Started ${c.started}`,
    `already synced ${c.alreadySynced}`,
    `not signed ${c.notSigned}`,
    `not found ${c.notFound}`,
    `failed to start ${c.failedToStart}`,
    `running now ${p.inFlight}`,
    `${c.finished} syncs ended (${c.syncsFailed} failed)`,
    `${p.perMinute} a minute`,
  ].join(' · ');
}

/** The Backfill section of the Runs tab: start one for a period, follow it, cancel it. */
export function createBackfillPanel(deps: { api: AdminApi }): BackfillPanel {
  const { api } = deps;
  let current: string | undefined;
  let timer: number | undefined;

  function render(status: BackfillStatus): void {
    byId('backfill-status').hidden = false;
    byId('backfill-summary').textContent = backfillHeadline(status);
    const p = status.progress;
    const bar = byId<HTMLProgressElement>('backfill-progress');
    const total = p?.total ?? 0;
    bar.value = p && total > 0 ? Math.min(100, Math.round((p.done / total) * 100)) : 0;
    bar.setAttribute('aria-valuetext', `${bar.value} %`);
    byId('backfill-counts').textContent = p ? backfillCounts(p) : '';
    const list = byId<HTMLUListElement>('backfill-list');
    const items = p?.dryRun
      ? (p.wouldSync ?? []).map((w) =>
          h('li', {}, `Contract ${w.contractId}, signed ${new Date(w.signedAt).toLocaleString()}`),
        )
      : (p?.errors ?? []).map((e) =>
          h('li', {}, `Contract ${e.contractId} could not be started: ${e.error}`),
        );
    list.replaceChildren(...items);
    list.hidden = items.length === 0;
    // A cancelled run may still answer as running for a moment while it ends.
    const ending = p?.phase === 'completed' || p?.phase === 'cancelled';
    byId('backfill-cancel').hidden = status.status !== 'RUNNING' || ending;
    byId<HTMLAnchorElement>('backfill-link').href = status.link;
  }

  function schedule(status: BackfillStatus): void {
    window.clearTimeout(timer);
    if (status.status === 'RUNNING' && !byId('app').hidden)
      timer = window.setTimeout(() => void follow(), POLL_MS);
  }

  async function follow(): Promise<void> {
    if (!current) return;
    try {
      const { body } = await api<BackfillStatus>('GET', `/api/backfills/${encodeURIComponent(current)}`);
      render(body);
      schedule(body);
    } catch (err) {
      if (err instanceof SignedOut) return;
      byId('backfill-summary').textContent = `Could not load the backfill: ${messageOf(err)}`;
      // A restart of the service or a moment without Temporal: try again a little later.
      timer = window.setTimeout(() => void follow(), POLL_MS * 3);
    }
  }

  async function load(): Promise<void> {
    if (current) return follow();
    try {
      const { body } = await api<{ backfills: BackfillSummary[] }>('GET', '/api/backfills');
      const latest = body.backfills[0];
      if (!latest) return;
      current = latest.backfillId;
      await follow();
    } catch (err) {
      if (err instanceof SignedOut) return;
      byId('backfill-summary').textContent = `Could not list the backfills: ${messageOf(err)}`;
      byId('backfill-status').hidden = false;
    }
  }

  async function start(): Promise<void> {
    const error = byId('backfill-error');
    error.replaceChildren();
    const since = byId<HTMLInputElement>('backfill-since').value;
    const until = byId<HTMLInputElement>('backfill-until').value;
    if (!since) {
      error.textContent = 'Choose the first day of signing to backfill.';
      byId('backfill-since').focus();
      return;
    }
    try {
      const { body } = await api<{ backfillId: string }>('POST', '/api/backfills', {
        body: {
          signedSince: since,
          ...(until ? { signedUntil: until } : {}),
          dryRun: byId<HTMLInputElement>('backfill-dry-run').checked,
        },
      });
      current = body.backfillId;
      await follow();
    } catch (err) {
      if (err instanceof SignedOut) return;
      if (err instanceof ApiError && err.status === 400) showErrorList(error, err.message, err.errors);
      else error.textContent = messageOf(err);
    }
  }

  function wire(): void {
    byId('backfill-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void whileBusy(byId('backfill-start'), start);
    });
    byId('backfill-cancel').addEventListener('click', () => {
      if (!current) return;
      const id = current;
      if (!window.confirm('Cancel the backfill? Syncs already started finish; no more are started.')) return;
      void whileBusy(byId('backfill-cancel'), async () => {
        try {
          await api('POST', `/api/backfills/${encodeURIComponent(id)}/cancel`);
          await follow();
        } catch (err) {
          reportError(err, 'Could not cancel the backfill');
        }
      });
    });
  }

  return { load, wire };
}
