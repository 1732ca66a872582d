import { type AdminCall, runBackfillCommand } from '../../src/cli/backfill-command';
import type { BackfillProgress } from '../../src/workflow-contract';

const progress = (over: Partial<BackfillProgress>): BackfillProgress => ({
  backfillId: 'smart-sync-backfill-1',
  signedSince: '2026-11-01T00:00:00.000Z',
  signedUntil: '2026-12-01T00:00:00.000Z',
  dryRun: false,
  maxInFlight: 4,
  phase: 'syncing',
  counts: {
    listed: 3,
    started: 1,
    alreadySynced: 0,
    notSigned: 0,
    notFound: 0,
    failedToStart: 0,
    finished: 0,
    syncsFailed: 0,
  },
  inFlight: 1,
  done: 0,
  total: 3,
  totalIsEstimate: false,
  perMinute: 0,
  etaSeconds: null,
  startedAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
  errors: [],
  ...over,
});

/** The admin API as the service answers it: a running backfill, then a completed one. */
function fakeApi(statuses: Array<Record<string, unknown>>) {
  const calls: Array<[string, string, unknown]> = [];
  const call: AdminCall = async (method, path, body) => {
    calls.push([method, path, body]);
    if (method === 'POST' && path === '/api/backfills')
      return {
        backfillId: 'smart-sync-backfill-1',
        signedSince: '2026-11-01T00:00:00.000Z',
        signedUntil: '2026-12-01T00:00:00.000Z',
        link: 'http://temporal/x',
      };
    if (method === 'POST') return { cancelRequested: true };
    return statuses.length > 1 ? statuses.shift()! : statuses[0]!;
  };
  return { call, calls };
}

describe('smart-sync backfill', () => {
  it('starts a backfill, follows it to the end and sums it up', async () => {
    const { call, calls } = fakeApi([
      { status: 'RUNNING', progress: progress({}) },
      {
        status: 'COMPLETED',
        progress: progress({
          phase: 'completed',
          done: 3,
          inFlight: 0,
          counts: { ...progress({}).counts, started: 2, alreadySynced: 1, finished: 2 },
        }),
      },
    ]);
    let out = '';
    const code = await runBackfillCommand(
      { signedSince: '2026-11-01', signedUntil: '2026-12-01', maxInFlight: '6' },
      call,
      { write: (t) => (out += t), isTTY: false, canAsk: false, pollMs: 1 },
    );
    expect(code).toBe(0);
    expect(calls[0]).toEqual([
      'POST',
      '/api/backfills',
      { signedSince: '2026-11-01', signedUntil: '2026-12-01', dryRun: false, maxInFlight: 6 },
    ]);
    expect(out).toContain('Started backfill smart-sync-backfill-1 of the contracts signed from 2026-11-01');
    expect(out).toContain('[------------------------] 0/3');
    expect(out).toContain('Backfill smart-sync-backfill-1 completed.');
    expect(out).toContain('syncs started:   2 (2 ended, 0 of them failed)');
  });

  it('with --detach prints how to follow it, and --cancel cancels', async () => {
    const { call, calls } = fakeApi([{ status: 'RUNNING', progress: progress({}) }]);
    let out = '';
    const io = { write: (t: string) => (out += t), isTTY: false, canAsk: false, pollMs: 1 };
    expect(
      await runBackfillCommand({ signedSince: '2026-11-01', detach: true, dryRun: true }, call, io),
    ).toBe(0);
    expect(out).toContain('Started a dry run of backfill');
    expect(out).toContain('smart-sync backfill --follow smart-sync-backfill-1');
    expect(await runBackfillCommand({ cancel: 'smart-sync-backfill-1' }, call, io)).toBe(0);
    expect(calls.at(-1)).toEqual(['POST', '/api/backfills/smart-sync-backfill-1/cancel', undefined]);
  });

  it('says how to call it when the period is missing, and a failed backfill exits 1 with why', async () => {
    let out = '';
    const io = { write: (t: string) => (out += t), isTTY: false, canAsk: false, pollMs: 1 };
    expect(await runBackfillCommand({}, fakeApi([]).call, io)).toBe(2);
    expect(out).toContain('Usage: smart-sync backfill --signed-since <date>');
    const failed = fakeApi([{ status: 'TERMINATED', failure: 'terminated by an operator' }]);
    expect(await runBackfillCommand({ follow: 'smart-sync-backfill-1' }, failed.call, io)).toBe(1);
    expect(out).toContain('ended TERMINATED: terminated by an operator');
  });
});
