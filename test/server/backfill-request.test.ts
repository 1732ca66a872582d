import { parseBackfillRequest } from '../../src/server/backfills';
import { DEFAULT_BACKFILL_IN_FLIGHT } from '../../src/workflow-contract';

const NOW = new Date('2026-12-02T15:00:00.000Z');

describe('a backfill request', () => {
  it('takes a day as midnight UTC, a date-time with its zone as UTC, and fixes signedUntil to now when left out', () => {
    expect(parseBackfillRequest({ signedSince: '2026-11-01' }, NOW)).toEqual({
      ok: true,
      value: {
        signedSince: '2026-11-01T00:00:00.000Z',
        signedUntil: NOW.toISOString(),
        dryRun: false,
        maxInFlight: DEFAULT_BACKFILL_IN_FLIGHT,
      },
    });
    expect(
      parseBackfillRequest(
        { signedSince: '2026-11-01T08:00:00+01:00', signedUntil: '2026-11-15', dryRun: true, maxInFlight: 8 },
        NOW,
      ),
    ).toEqual({
      ok: true,
      value: {
        signedSince: '2026-11-01T07:00:00.000Z',
        signedUntil: '2026-11-15T00:00:00.000Z',
        dryRun: true,
        maxInFlight: 8,
      },
    });
  });

  it.each([
    [{}, /signedSince must be a date/],
    [{ signedSince: '1 November' }, /signedSince must be a date such as "2026-11-01"/],
    [{ signedSince: '2026-11-01T08:00:00' }, /with a time zone/],
    [{ signedSince: '2026-11-31' }, /signedSince must be a date/],
    [{ signedSince: '2026-11-10', signedUntil: '2026-11-01' }, /must be before signedUntil/],
    [{ signedSince: '2026-12-24' }, /is not in the past/],
    [{ signedSince: '2026-11-01', dryRun: 'yes' }, /dryRun must be true or false/],
    [{ signedSince: '2026-11-01', maxInFlight: 500 }, /at most 20: more would crowd out the live syncs/],
    [{ signedSince: '2026-11-01', maxInFlight: 1.5 }, /maxInFlight must be a whole number/],
    [{ signedSince: '2026-11-01', since: 'x' }, /unknown field\(s\) "since"/],
  ])('refuses %j with a message saying what to send', (body, message) => {
    const parsed = parseBackfillRequest(body, NOW);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors.join('\n')).toMatch(message);
  });
});
