/**
 * Reads a step starts before it needs their answers, so that reads that do not depend on
 * each other overlap instead of queueing one behind another. The step still awaits each
 * where it uses it, in its own order, so the failure it reports is the one it would have
 * met first reading one at a time.
 */

/**
 * Starts `load` now. A failure nobody awaits (the step failed on an earlier read and
 * returned) is not an unhandled rejection; one that is awaited still rejects there.
 */
export function startEarly<T>(load: () => Promise<T>): Promise<T> {
  const started = load();
  started.catch(() => {});
  return started;
}

/**
 * `work` for every item, at most `limit` at a time, each started as soon as a slot is free;
 * the promises come back in the items' order. One failure does not stop the others from
 * starting: the caller awaits them in order and stops at the first that failed.
 */
export function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R>[] {
  if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, got ${limit}`);
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
  };
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return items.map((item) =>
    startEarly(async () => {
      await slot();
      try {
        return await work(item);
      } finally {
        release();
      }
    }),
  );
}
