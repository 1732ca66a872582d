import type { BackfillProgress } from '../workflow-contract';

/** "1h 05m", "4m 10s", "12s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * One line: a bar of the contracts done against the period's total (an estimate, marked
 * "~", until the listing is complete), the counts, the pace and the time left.
 */
export function formatBackfillLine(p: BackfillProgress, barWidth = 24): string {
  const total = p.total ?? 0;
  const share = total > 0 ? Math.min(1, p.done / total) : 0;
  const filled = Math.round(share * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const of = p.total === null ? '?' : `${p.totalIsEstimate ? '~' : ''}${p.total}`;
  const pct = total > 0 ? ` ${Math.floor(share * 100)}%` : '';
  const eta =
    p.phase === 'completed' || p.phase === 'cancelled'
      ? p.phase
      : p.etaSeconds === null
        ? 'ETA …'
        : `ETA ${formatDuration(p.etaSeconds)}`;
  if (p.dryRun) return `${bar} ${p.counts.listed}/${of} listed${pct} · ${p.perMinute}/min · ${eta}`;
  const c = p.counts;
  const parts = [
    `started ${c.started}`,
    `already synced ${c.alreadySynced}`,
    `not signed ${c.notSigned}`,
    `not found ${c.notFound}`,
    ...(c.failedToStart > 0 ? [`failed to start ${c.failedToStart}`] : []),
    `in flight ${p.inFlight}`,
  ];
  return `${bar} ${p.done}/${of}${pct} · ${parts.join(' · ')} · ${p.perMinute}/min · ${eta}`;
}

/** What a finished backfill did, for the terminal. */
export function formatBackfillSummary(p: BackfillProgress): string {
  const c = p.counts;
  const lines = [
    `Backfill ${p.backfillId} ${p.phase === 'cancelled' ? 'was cancelled' : 'completed'}${p.dryRun ? ' (dry run: nothing was started or written)' : ''}.`,
    `  period:          ${p.signedSince} to ${p.signedUntil}`,
    `  listed signed:   ${c.listed}`,
  ];
  if (p.dryRun) {
    const shown = p.wouldSync ?? [];
    lines.push(
      `  would sync:      ${c.listed} (a sync already made for a signing is found and skipped when it runs)`,
    );
    for (const w of shown) lines.push(`    contract ${w.contractId}  signed ${w.signedAt}`);
    if (shown.length < c.listed) lines.push(`    … and ${c.listed - shown.length} more`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `  syncs started:   ${c.started} (${c.finished} ended, ${c.syncsFailed} of them failed)`,
    `  already synced:  ${c.alreadySynced}`,
    `  not signed now:  ${c.notSigned}`,
    `  not found now:   ${c.notFound}`,
    `  failed to start: ${c.failedToStart}`,
  );
  for (const e of p.errors) lines.push(`    contract ${e.contractId}: ${e.error}`);
  if (p.inFlight > 0) lines.push(`  still running:   ${p.inFlight} (they finish on their own)`);
  return `${lines.join('\n')}\n`;
}
