import type { EmulatorControl, RequestLogEntry } from '../src/emulators/control-plane';

/**
 * The longest chain of HTTP calls of one sync that ran one after another: what sets a
 * sync's end-to-end time once every call pays a network's latency. Read from the
 * emulators' request logs while one sync ran alone, so that every call logged is its own.
 */

export interface TimedCall {
  service: 'oneflow' | 'superoffice';
  method: string;
  path: string;
  startMs: number;
  endMs: number;
}

export interface CallChain {
  /** Every API call the sync made. */
  calls: number;
  /** The most calls of the sync none of which overlapped another: its sequential critical path. */
  longestSequentialChain: number;
  /** That chain, in order, as `service METHOD path`. */
  chain: string[];
  /** From the start of the sync's first call to the end of its last: its time in the APIs' hands and between their calls. */
  spanMs: number;
}

/**
 * A log entry's start is an ISO time (whole milliseconds) and its duration a fraction: a call
 * that began right after another ended may seem to start up to a millisecond before it did.
 */
const CLOCK_SLACK_MS = 1;

/** The answered API calls of a request log (the control plane's own routes are not logged). */
export function timedCalls(service: TimedCall['service'], entries: readonly RequestLogEntry[]): TimedCall[] {
  return entries
    .filter((e) => e.status !== null && e.durationMs !== null)
    .map((e) => {
      const startMs = Date.parse(e.at);
      return { service, method: e.method, path: e.path, startMs, endMs: startMs + e.durationMs! };
    });
}

/**
 * The largest set of calls that did not overlap, in order: taking, among the calls that
 * start after the chain's last one ended, the one that ends first is optimal (interval
 * scheduling), so one pass over the calls sorted by their end finds it.
 */
export function longestSequentialChain(calls: readonly TimedCall[]): TimedCall[] {
  const byEnd = [...calls].sort((a, b) => a.endMs - b.endMs || a.startMs - b.startMs);
  const chain: TimedCall[] = [];
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const call of byEnd) {
    if (call.startMs + CLOCK_SLACK_MS < lastEnd) continue;
    chain.push(call);
    lastEnd = call.endMs;
  }
  return chain;
}

export function describeCallChain(calls: readonly TimedCall[]): CallChain {
  const chain = longestSequentialChain(calls);
  return {
    calls: calls.length,
    longestSequentialChain: chain.length,
    chain: chain.map((c) => `${c.service} ${c.method} ${c.path}`),
    spanMs:
      calls.length === 0
        ? 0
        : Math.round(Math.max(...calls.map((c) => c.endMs)) - Math.min(...calls.map((c) => c.startMs))),
  };
}

/** The last id in a request log, to read only what comes after it. */
function lastId(control: EmulatorControl): number {
  return control.requests().at(-1)?.id ?? 0;
}

/**
 * Runs one sync alone (`runOne` resolves once its outcome Activity is recorded) and reads
 * its calls from both emulators' logs. Every call is held `latencyMs` for the probe, so
 * that calls made side by side overlap in the log even when the run adds no latency (an
 * emulator answers a call in well under a millisecond, so at zero latency calls sent
 * together would look sequential); a latency the run already adds comes first and this one
 * is then never used. Calls still unanswered after `settleMs` (none, unless the sync
 * made calls after its outcome) are left out.
 */
export async function measureCallChain(
  emulators: { oneflow: EmulatorControl; superoffice: EmulatorControl },
  runOne: () => Promise<void>,
  opts: { latencyMs?: number; settleMs?: number } = {},
): Promise<CallChain> {
  const controls = [emulators.oneflow, emulators.superoffice];
  const held = controls.map((c) => c.addFault({ path: '**', latencyMs: opts.latencyMs ?? 20 }).id);
  const since = { oneflow: lastId(emulators.oneflow), superoffice: lastId(emulators.superoffice) };
  try {
    await runOne();
    await new Promise((r) => setTimeout(r, opts.settleMs ?? 500));
  } finally {
    controls.forEach((c, i) => c.removeFault(held[i]!));
  }
  return describeCallChain([
    ...timedCalls('oneflow', emulators.oneflow.requests(since.oneflow)),
    ...timedCalls('superoffice', emulators.superoffice.requests(since.superoffice)),
  ]);
}
