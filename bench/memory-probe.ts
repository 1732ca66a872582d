import { appendFileSync, createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import workerThreads from 'node:worker_threads';

/**
 * Opt-in memory instrumentation of the service child, for finding where its RSS goes:
 * - BENCH_MEMORY_SAMPLE_FILE: appends one JSON line per second with the process's RSS and
 *   the main thread's V8 heap, so RSS can be split into main heap and the rest;
 * - BENCH_HEAP_SNAPSHOT_DIR: on SIGUSR2, writes a heap snapshot of the main thread and of
 *   every worker thread (the Temporal SDK runs workflows in worker threads, whose heaps
 *   process.memoryUsage() does not report apart).
 * Without either variable it does nothing.
 */

const threads: workerThreads.Worker[] = [];
const sampleFile = process.env.BENCH_MEMORY_SAMPLE_FILE;
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT_DIR;

if (sampleFile || snapshotDir) {
  // The SDK reads worker_threads.Worker when it starts its thread pool, so a subclass put
  // here sees every workflow thread.
  const Original = workerThreads.Worker;
  class Tracked extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      threads.push(this);
      this.once('exit', () => threads.splice(threads.indexOf(this), 1));
    }
  }
  (workerThreads as { Worker: typeof Original }).Worker = Tracked;
}

const mb = (n: number) => Math.round(n / 2 ** 20);

if (sampleFile) {
  const started = Date.now();
  setInterval(() => {
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    appendFileSync(
      sampleFile,
      `${JSON.stringify({
        t: Math.round((Date.now() - started) / 1000),
        rss: mb(m.rss),
        heapUsed: mb(m.heapUsed),
        heapTotal: mb(m.heapTotal),
        external: mb(m.external),
        arrayBuffers: mb(m.arrayBuffers),
        mallocedMemory: mb(h.malloced_memory),
        threads: threads.length,
      })}\n`,
    );
  }, 1000).unref();
}

if (snapshotDir) {
  mkdirSync(snapshotDir, { recursive: true });
  let n = 0;
  process.on('SIGUSR2', () => {
    const tag = `${process.pid}-${++n}`;
    const main = v8.writeHeapSnapshot(path.join(snapshotDir, `main-${tag}.heapsnapshot`));
    process.stderr.write(`heap snapshot: ${main}\n`);
    threads.forEach((thread, i) => {
      const file = path.join(snapshotDir, `thread${i}-${tag}.heapsnapshot`);
      thread
        .getHeapSnapshot()
        .then((stream) => pipeline(stream, createWriteStream(file)))
        .then(
          () => process.stderr.write(`heap snapshot: ${file}\n`),
          (err: Error) => process.stderr.write(`heap snapshot of thread ${i} failed: ${err.message}\n`),
        );
    });
  });
}
