import {
  latestSigning,
  MAX_LIST_OFFSET,
  oneflowTimeMs,
  signedInWindow,
} from '../../src/mapping/signed-window';
import { formatDuration, parseDuration } from '../../src/config/duration';
import {
  addFailureToReconcileResult,
  addToReconcileResult,
  emptyReconcileResult,
  MAX_LISTED_STARTED,
  reconcileScheduleId,
} from '../../src/workflow-contract';

const at = (iso: string) => Date.parse(iso);
const row = (id: number, time: string | null, state = 'signed') => ({ id, state, state_updated_time: time });
const WINDOW = { sinceMs: at('2026-12-01T00:00:00Z'), untilMs: at('2026-12-02T00:00:00Z') };

describe('oneflowTimeMs', () => {
  it("reads Oneflow's format (no colon in the offset) and ISO 8601 with one", () => {
    expect(oneflowTimeMs('2020-06-30T07:15:23+0000')).toBe(at('2020-06-30T07:15:23Z'));
    expect(oneflowTimeMs('2020-06-30T09:15:23+0200')).toBe(at('2020-06-30T07:15:23Z'));
    expect(oneflowTimeMs('2020-06-30T07:15:23.500Z')).toBe(at('2020-06-30T07:15:23.500Z'));
  });
  it.each([null, undefined, '', 'yesterday', '2020-06-30', '2020-06-30T07:15:23'])('refuses %p', (text) => {
    expect(oneflowTimeMs(text)).toBeUndefined();
  });
});

describe('signedInWindow (rows listed newest signing first)', () => {
  it('passes over rows newer than the window, keeps those inside it, and stops at the first older one', () => {
    const page = signedInWindow(
      {
        rows: [
          row(1, '2026-12-02T00:00:00+0000'), // the window's end is exclusive
          row(2, '2026-12-01T12:00:00+0000'),
          row(3, '2026-12-01T00:00:00+0000'), // its start inclusive
          row(4, '2026-11-30T23:59:59+0000'),
        ],
        offset: 0,
        count: 250,
        hasMore: true,
      },
      WINDOW,
    );
    expect(page).toEqual({
      contracts: [
        { contractId: 2, signedAt: '2026-12-01T12:00:00.000Z' },
        { contractId: 3, signedAt: '2026-12-01T00:00:00.000Z' },
      ],
      total: 250,
    });
  });

  it('asks for the next page from what this page held while the window goes on', () => {
    const page = signedInWindow(
      {
        rows: [row(5, '2026-12-01T18:00:00+0000'), row(6, '2026-12-01T17:00:00+0000')],
        offset: 100,
        count: 900,
        hasMore: true,
      },
      WINDOW,
    );
    expect(page.nextOffset).toBe(102);
    expect(page.contracts.map((c) => c.contractId)).toEqual([5, 6]);
  });

  it('ends when Oneflow says there is no more, or the page is empty', () => {
    expect(
      signedInWindow(
        { rows: [row(5, '2026-12-01T18:00:00+0000')], offset: 0, count: 1, hasMore: false },
        WINDOW,
      ).nextOffset,
    ).toBeUndefined();
    expect(signedInWindow({ rows: [], offset: 0, count: 5, hasMore: true }, WINDOW)).toEqual({
      contracts: [],
      total: 5,
    });
  });

  it('leaves out rows no longer signed and rows without a readable time rather than guessing', () => {
    const page = signedInWindow(
      {
        rows: [
          row(7, '2026-12-01T18:00:00+0000', 'pending'),
          row(8, null),
          row(9, '2026-12-01T10:00:00+0000'),
        ],
        offset: 0,
        count: 3,
        hasMore: false,
      },
      WINDOW,
    );
    expect(page.contracts.map((c) => c.contractId)).toEqual([9]);
  });

  it("says how far back it reached when Oneflow's deepest offset stops it inside the window", () => {
    const page = signedInWindow(
      {
        rows: [row(10, '2026-12-01T18:00:00+0000'), row(11, '2026-12-01T06:00:00+0000')],
        offset: MAX_LIST_OFFSET,
        count: 30_000,
        hasMore: true,
      },
      WINDOW,
    );
    expect(page.nextOffset).toBeUndefined();
    expect(page.reachedBack).toBe('2026-12-01T06:00:00.000Z');
  });
});

describe('latestSigning', () => {
  it('is the newest contract:sign event, by id, whatever order they are listed in', () => {
    const events = [
      { id: 5, type: 'contract:sign' },
      { id: 9, type: 'contract:sign' },
      { id: 7, type: 'contract:signature_reset' },
      { id: 12, type: 'contract:content_update' },
    ];
    expect(latestSigning(1, events)).toEqual({ signed: true, eventId: 9 });
  });
  it('is none when a signature reset came after the last signing, or there never was one', () => {
    expect(
      latestSigning(1, [
        { id: 5, type: 'contract:sign' },
        { id: 6, type: 'contract:signature_reset' },
      ]),
    ).toEqual({
      signed: false,
      reason: "contract 1's last signing was reset in Oneflow (event 6)",
    });
    expect(latestSigning(2, [{ id: 5, type: 'contract:publish' }])).toEqual({
      signed: false,
      reason: 'Oneflow lists no contract:sign event for contract 2',
    });
  });
});

describe('durations (SMART_SYNC_RECONCILE_EVERY, SMART_SYNC_RECONCILE_WINDOW)', () => {
  it.each([
    ['15m', 900_000],
    ['26h', 93_600_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['2d', 172_800_000],
    ['500ms', 500],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
  it.each(['15', 'm', '15 minutes', '-5m', '1.5h', ''])('refuses %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('the reconciliation result', () => {
  it('counts every answer, lists the started ones and the failures up to a bound', () => {
    const result = emptyReconcileResult('2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z');
    for (let i = 1; i <= MAX_LISTED_STARTED + 5; i++) {
      addToReconcileResult(result, {
        outcome: 'started',
        contractId: i,
        eventId: 100 + i,
        workflowId: `w${i}`,
      });
    }
    addToReconcileResult(result, {
      outcome: 'already-synced',
      contractId: 1,
      eventId: 101,
      workflowId: 'w1',
    });
    addToReconcileResult(result, { outcome: 'not-signed', contractId: 2 });
    addFailureToReconcileResult(result, 3, 'Oneflow down');
    expect(result.counts).toEqual({
      started: MAX_LISTED_STARTED + 5,
      'already-synced': 1,
      'not-signed': 1,
      'not-found': 0,
      failed: 1,
    });
    expect(result.started).toHaveLength(MAX_LISTED_STARTED);
    expect(result.started[0]).toEqual({ contractId: 1, eventId: 101, workflowId: 'w1' });
    expect(result.failed).toEqual([{ contractId: 3, error: 'Oneflow down' }]);
  });
  it('has one schedule id per task queue, the plain one on the default queue', () => {
    expect(reconcileScheduleId('smart-sync')).toBe('smart-sync-reconcile');
    expect(reconcileScheduleId('eu')).toBe('smart-sync-reconcile-eu');
  });
});
