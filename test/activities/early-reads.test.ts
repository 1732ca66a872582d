import { mapBounded, startEarly } from '../../src/activities/early-reads';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('reads started early', () => {
  it('does not leave a failure nobody awaited unhandled, and still rejects where it is awaited', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const read = startEarly(() => Promise.reject(new Error('503')));
      await tick();
      expect(unhandled).not.toHaveBeenCalled();
      await expect(read).rejects.toThrow('503');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('runs at most `limit` at a time, starts the next as one ends, and answers in the items’ order', async () => {
    let running = 0;
    let most = 0;
    const results = mapBounded([30, 5, 20, 5, 10], 2, async (ms) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running -= 1;
      return ms;
    });
    expect(await Promise.all(results)).toEqual([30, 5, 20, 5, 10]);
    expect(most).toBe(2);
  });

  it('starts all of them side by side under the limit', async () => {
    const started: number[] = [];
    const results = mapBounded([1, 2, 3], 4, async (n) => {
      started.push(n);
      await tick();
      return n;
    });
    await Promise.resolve();
    expect(started).toEqual([1, 2, 3]);
    await Promise.all(results);
  });

  it('goes on with the others when one fails, so the caller can stop at the first in order', async () => {
    const results = mapBounded([1, 2, 3], 1, async (n) => {
      if (n === 2) throw new Error('two failed');
      return n;
    });
    await expect(results[0]).resolves.toBe(1);
    await expect(results[1]).rejects.toThrow('two failed');
    await expect(results[2]).resolves.toBe(3);
  });

  it('refuses a limit below one', () => {
    expect(() => mapBounded([1], 0, async (n) => n)).toThrow('limit must be at least 1');
  });
});
