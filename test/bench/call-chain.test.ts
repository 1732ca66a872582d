import type { RequestLogEntry } from '../../src/emulators/control-plane';
import {
  describeCallChain,
  longestSequentialChain,
  timedCalls,
  type TimedCall,
} from '../../bench/call-chain';

const call = (path: string, startMs: number, endMs: number): TimedCall => ({
  service: 'superoffice',
  method: 'GET',
  path,
  startMs,
  endMs,
});

describe('the longest sequential chain of a sync’s calls', () => {
  it('counts calls made one after another, and calls made side by side once', () => {
    const calls = [
      call('/Sale', 0, 50),
      // Three reads side by side after the Sale: one link of the chain.
      call('/Contact', 51, 101),
      call('/Persons', 51, 102),
      call('/Quote', 52, 103),
      call('/QuoteVersion', 104, 154),
      call('/Appointment', 160, 210),
    ];
    expect(longestSequentialChain(calls).map((c) => c.path)).toEqual([
      '/Sale',
      '/Contact',
      '/QuoteVersion',
      '/Appointment',
    ]);
  });

  it('finds the longest branch, not the first one', () => {
    // One long call beside a chain of three short ones: the three are the critical path.
    const calls = [call('/long', 0, 300), call('/a', 0, 90), call('/b', 95, 190), call('/c', 195, 290)];
    expect(describeCallChain(calls)).toEqual({
      calls: 4,
      longestSequentialChain: 3,
      chain: ['superoffice GET /a', 'superoffice GET /b', 'superoffice GET /c'],
      spanMs: 300,
    });
  });

  it('takes a call that starts within the log’s millisecond rounding of the last end as after it', () => {
    expect(longestSequentialChain([call('/a', 0, 50.6), call('/b', 50, 100)])).toHaveLength(2);
    expect(longestSequentialChain([call('/a', 0, 52), call('/b', 50, 100)])).toHaveLength(1);
  });

  it('reads answered calls from a request log and leaves out the unanswered', () => {
    const entry = (id: number, at: string, durationMs: number | null): RequestLogEntry => ({
      id,
      at,
      method: 'POST',
      path: `/api/v1/Agents/Quote/GetQuoteLines`,
      query: {},
      body: {},
      status: durationMs === null ? null : 200,
      durationMs,
    });
    const calls = timedCalls('superoffice', [
      entry(1, '2026-12-02T10:00:00.000Z', 50.5),
      entry(2, '2026-12-02T10:00:01.000Z', null),
    ]);
    expect(calls).toEqual([
      {
        service: 'superoffice',
        method: 'POST',
        path: '/api/v1/Agents/Quote/GetQuoteLines',
        startMs: Date.parse('2026-12-02T10:00:00.000Z'),
        endMs: Date.parse('2026-12-02T10:00:00.000Z') + 50.5,
      },
    ]);
  });
});
