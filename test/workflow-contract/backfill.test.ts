import {
  advanceCursor,
  backfillProgress,
  estimateTotal,
  initialBackfillState,
  MAX_BACKFILL_ERRORS,
  MAX_BACKFILL_LISTED,
  recordEndedSyncs,
  recordListedPage,
  recordStartAnswer,
  recordStartFailure,
  type BackfillRequest,
} from '../../src/workflow-contract';

const request: BackfillRequest = {
  signedSince: '2026-11-01T00:00:00.000Z',
  signedUntil: '2026-11-11T00:00:00.000Z',
  dryRun: false,
};
const START = '2026-12-02T10:00:00.000Z';

describe('the backfill rules', () => {
  describe('advanceCursor', () => {
    const cursor = { signedUntil: request.signedUntil, offset: 100 };
    it('goes to the next offset while the page says there is more', () => {
      expect(advanceCursor(cursor, { contracts: [], total: 500, nextOffset: 200 })).toEqual({
        signedUntil: request.signedUntil,
        offset: 200,
      });
    });
    it("past Oneflow's deepest offset, reads a narrower window from offset 0", () => {
      expect(
        advanceCursor(cursor, { contracts: [], total: 50_000, reachedBack: '2026-11-05T08:00:00.000Z' }),
      ).toEqual({ signedUntil: '2026-11-05T08:00:00.000Z', offset: 0 });
    });
    it('ends when neither is set, and when reachedBack would not narrow the window (no endless loop)', () => {
      expect(advanceCursor(cursor, { contracts: [], total: 3 })).toBeNull();
      expect(advanceCursor(cursor, { contracts: [], total: 3, reachedBack: request.signedUntil })).toBeNull();
    });
  });

  it('counts every answer of startSigningSync, and only started syncs are waited for', () => {
    const state = initialBackfillState(request, START);
    recordStartAnswer(state, { outcome: 'started', contractId: 1, eventId: 11, workflowId: 'w1' });
    recordStartAnswer(state, { outcome: 'started', contractId: 2, eventId: 12, workflowId: 'w2' });
    recordStartAnswer(state, { outcome: 'already-synced', contractId: 3, eventId: 13, workflowId: 'w3' });
    recordStartAnswer(state, { outcome: 'not-signed', contractId: 4 });
    recordStartAnswer(state, { outcome: 'not-found', contractId: 5 });
    recordStartFailure(state, 6, 'GET /v1/contracts/6/events → 403 Forbidden');
    expect(state.inFlight).toEqual([
      { contractId: 1, workflowId: 'w1' },
      { contractId: 2, workflowId: 'w2' },
    ]);
    recordEndedSyncs(state, [
      { workflowId: 'w2', status: 'COMPLETED', outcome: 'failed' },
      { workflowId: 'unknown', status: 'COMPLETED' },
    ]);
    expect(state.inFlight).toEqual([{ contractId: 1, workflowId: 'w1' }]);
    recordEndedSyncs(state, [{ workflowId: 'w1', status: 'TERMINATED' }]);
    expect(state.counts).toEqual({
      listed: 0,
      started: 2,
      alreadySynced: 1,
      notSigned: 1,
      notFound: 1,
      failedToStart: 1,
      finished: 2,
      syncsFailed: 2,
    });
    expect(state.errors).toEqual([{ contractId: 6, error: 'GET /v1/contracts/6/events → 403 Forbidden' }]);
  });

  it('keeps at most MAX_BACKFILL_ERRORS reasons and MAX_BACKFILL_LISTED dry-run rows, counting all', () => {
    const state = initialBackfillState({ ...request, dryRun: true }, START);
    for (let i = 0; i < MAX_BACKFILL_ERRORS + 5; i++) recordStartFailure(state, i, 'no');
    expect(state.errors).toHaveLength(MAX_BACKFILL_ERRORS);
    expect(state.counts.failedToStart).toBe(MAX_BACKFILL_ERRORS + 5);
    const contracts = Array.from({ length: MAX_BACKFILL_LISTED + 10 }, (_, i) => ({
      contractId: i + 1,
      signedAt: '2026-11-10T00:00:00.000Z',
    }));
    recordListedPage(state, { contracts, total: contracts.length }, true);
    expect(state.wouldSync).toHaveLength(MAX_BACKFILL_LISTED);
    expect(state.counts.listed).toBe(MAX_BACKFILL_LISTED + 10);
  });

  describe('estimateTotal', () => {
    it('is unknown before the first page, an estimate from the share of the period read, exact at the end', () => {
      const state = initialBackfillState(request, START);
      expect(estimateTotal(request, state)).toEqual({ total: null, estimate: true });
      // 50 signings read, reaching back 2.5 of the period's 10 days: about 200 in all.
      recordListedPage(
        state,
        {
          contracts: Array.from({ length: 50 }, (_, i) => ({
            contractId: i,
            signedAt: i === 49 ? '2026-11-08T12:00:00.000Z' : '2026-11-10T00:00:00.000Z',
          })),
          total: 9999,
          nextOffset: 50,
        },
        false,
      );
      expect(estimateTotal(request, state)).toEqual({ total: 200, estimate: true });
      state.cursor = null;
      expect(estimateTotal(request, state)).toEqual({ total: 50, estimate: false });
    });

    it("never estimates more than Oneflow's count allows", () => {
      const state = initialBackfillState(request, START);
      // 40 signings in the period's last hour: by time, thousands; Oneflow counts 45 in all.
      recordListedPage(
        state,
        {
          contracts: Array.from({ length: 40 }, (_, i) => ({
            contractId: i,
            signedAt: '2026-11-10T23:30:00.000Z',
          })),
          total: 45,
          nextOffset: 40,
        },
        false,
      );
      expect(estimateTotal(request, state)).toEqual({ total: 45, estimate: true });
      expect(state.cursor).toEqual({ signedUntil: request.signedUntil, offset: 40 });
    });
  });

  it('reports the pace and the time left from the contracts done since the start', () => {
    const state = initialBackfillState(request, START);
    recordListedPage(
      state,
      {
        contracts: Array.from({ length: 120 }, (_, i) => ({
          contractId: i,
          signedAt: '2026-11-02T00:00:00.000Z',
        })),
        total: 120,
      },
      false,
    );
    state.cursor = null;
    for (let i = 0; i < 30; i++) recordStartAnswer(state, { outcome: 'already-synced', contractId: i });
    const progress = backfillProgress({
      backfillId: 'smart-sync-backfill-x',
      request,
      state,
      phase: 'syncing',
      now: '2026-12-02T10:02:00.000Z',
    });
    expect(progress).toMatchObject({
      total: 120,
      totalIsEstimate: false,
      done: 30,
      perMinute: 15,
      // 90 left at 15 a minute
      etaSeconds: 360,
      maxInFlight: 8,
    });
    expect(progress).not.toHaveProperty('wouldSync');
    expect(
      backfillProgress({ backfillId: 'b', request, state, phase: 'completed', now: START }).etaSeconds,
    ).toBe(0);
  });
});
