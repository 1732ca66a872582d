import { formatBackfillLine, formatBackfillSummary, formatDuration } from '../../src/cli/backfill-progress';
import type { BackfillProgress } from '../../src/workflow-contract';

const progress = (over: Partial<BackfillProgress> = {}): BackfillProgress => ({
  backfillId: 'smart-sync-backfill-1',
  signedSince: '2026-11-01T00:00:00.000Z',
  signedUntil: '2026-12-01T00:00:00.000Z',
  dryRun: false,
  maxInFlight: 4,
  phase: 'syncing',
  counts: {
    listed: 300,
    started: 100,
    alreadySynced: 40,
    notSigned: 5,
    notFound: 1,
    failedToStart: 0,
    finished: 96,
    syncsFailed: 2,
  },
  inFlight: 4,
  done: 142,
  total: 500,
  totalIsEstimate: true,
  perMinute: 35.5,
  etaSeconds: 267,
  startedAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:04:00.000Z',
  errors: [],
  ...over,
});

describe('the backfill progress in the terminal', () => {
  it('draws a bar of the contracts done, the counts, the pace and the time left', () => {
    expect(formatBackfillLine(progress(), 10)).toBe(
      '[###-------] 142/~500 28% · started 100 · already synced 40 · not signed 5 · not found 1 · in flight 4 · 35.5/min · ETA 4m 27s',
    );
    expect(formatBackfillLine(progress({ total: null, etaSeconds: null, done: 0 }), 4)).toBe(
      '[----] 0/? · started 100 · already synced 40 · not signed 5 · not found 1 · in flight 4 · 35.5/min · ETA …',
    );
  });

  it('formats durations for people', () => {
    expect([formatDuration(12), formatDuration(250), formatDuration(3900)]).toEqual([
      '12s',
      '4m 10s',
      '1h 05m',
    ]);
  });

  it("sums up a dry run with the contracts it would sync, and a backfill's failures to start", () => {
    const dry = formatBackfillSummary(
      progress({
        dryRun: true,
        phase: 'completed',
        counts: { ...progress().counts, listed: 3 },
        wouldSync: [
          { contractId: 7, signedAt: '2026-11-03T10:00:00.000Z' },
          { contractId: 8, signedAt: '2026-11-02T10:00:00.000Z' },
        ],
      }),
    );
    expect(dry).toContain('(dry run: nothing was started or written)');
    expect(dry).toContain('contract 7  signed 2026-11-03T10:00:00.000Z');
    expect(dry).toContain('… and 1 more');
    const real = formatBackfillSummary(
      progress({
        phase: 'completed',
        inFlight: 0,
        counts: { ...progress().counts, failedToStart: 1 },
        errors: [{ contractId: 9, error: '403 Forbidden' }],
      }),
    );
    expect(real).toContain('syncs started:   100 (96 ended, 2 of them failed)');
    expect(real).toContain('contract 9: 403 Forbidden');
  });
});
