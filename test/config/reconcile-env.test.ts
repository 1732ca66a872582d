import { loadEnvironment } from '../../src/config/env';

describe('SMART_SYNC_RECONCILE_EVERY and SMART_SYNC_RECONCILE_WINDOW', () => {
  it('default to every 15 minutes over the last 26 hours', () => {
    expect(loadEnvironment({}).reconcile).toEqual({ everyMs: 15 * 60_000, windowMs: 26 * 3_600_000 });
  });

  it('take durations, and `off` for the interval', () => {
    expect(
      loadEnvironment({ SMART_SYNC_RECONCILE_EVERY: '5m', SMART_SYNC_RECONCILE_WINDOW: '2d' }).reconcile,
    ).toEqual({ everyMs: 300_000, windowMs: 172_800_000 });
    expect(loadEnvironment({ SMART_SYNC_RECONCILE_EVERY: 'OFF' }).reconcile.everyMs).toBeNull();
  });

  it.each([
    ['SMART_SYNC_RECONCILE_EVERY', '15', /SMART_SYNC_RECONCILE_EVERY must be a duration .* or off; got "15"/],
    ['SMART_SYNC_RECONCILE_EVERY', '500ms', /from 1s to 7d/],
    ['SMART_SYNC_RECONCILE_WINDOW', 'off', /SMART_SYNC_RECONCILE_WINDOW must be a duration from 1m to 31d/],
    ['SMART_SYNC_RECONCILE_WINDOW', '40d', /got "40d"/],
  ])('refuse %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadEnvironment({ [name]: value })).toThrow(message);
  });
});
