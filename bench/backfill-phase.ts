import type { RunningOneflowEmulator } from '../src/emulators/oneflow';
import type { RunningSuperOfficeEmulator } from '../src/emulators/superoffice';
import type { BackfillStatus } from '../src/temporal/backfills';
import type { BackfillCounts } from '../src/workflow-contract';
import { type BenchContract, type BenchDataSet, benchDataSet } from './bench-data';
import { readMemory } from './memory';
import { ProgressBar } from './progress';
import { type Percentiles, percentiles, round } from './stats';
import { OutcomeWatcher, sendWebhooks } from './webhook-load';

/**
 * The backfill phase of `npm run bench`: a backfill of `contracts` signed contracts under
 * Oneflow's real rate limit, with live webhooks arriving all along. It reports how close the
 * backfill drains to Oneflow's limit (goal: ≥ 95 % of 2000 requests per 5 minutes, no 429),
 * the service's peak memory against a 100-contract backfill run first on the same service
 * (goal: at most 100 MB more), and the live webhooks' acknowledgement (goal: p99 < 100 ms).
 */

export const SMALL_BACKFILL = 100;
const ONEFLOW_LIMIT_PER_SECOND = 2000 / 300;
const SMALL_PERIOD = { signedSince: '2026-10-01T00:00:00.000Z', signedUntil: '2026-11-01T00:00:00.000Z' };
const BIG_PERIOD = { signedSince: '2026-11-01T00:00:00.000Z', signedUntil: '2026-12-01T00:00:00.000Z' };

export interface BackfillBenchData {
  data: BenchDataSet;
  small: BenchContract[];
  big: BenchContract[];
  live: BenchContract[];
}

export interface BackfillPhaseResult {
  contracts: number;
  smallBackfillContracts: number;
  durationSeconds: number;
  contractsPerMinute: number;
  counts: BackfillCounts;
  oneflowRequests: number;
  oneflow429s: number;
  oneflowLimitPerSecond: number;
  drainRatePerSecond: number;
  /** The drain rate as a share of Oneflow's limit, in per cent. */
  drainShareOfLimit: number;
  serviceRssAfterSmallMb: number;
  servicePeakRssMb: number;
  peakRssGrowthMb: number;
  liveWebhooks: number;
  liveWebhooksRefused: number;
  liveAckLatencyMs: Percentiles;
  liveE2eLatencyMs: Percentiles;
  duplicateAppointments: number;
}

/** Oneflow's datetime format, e.g. 2026-11-03T10:00:00+0000. */
const oneflowTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

/**
 * SMALL_BACKFILL contracts signed in October, `contracts` in November (spread evenly), and
 * `live` more whose webhooks the phase sends itself while the big backfill runs.
 */
export function backfillBenchData(contracts: number, live: number): BackfillBenchData {
  const data = benchDataSet(0, SMALL_BACKFILL + contracts + live, 'signed');
  const seeds = data.oneflow.contracts!;
  const spread = (i: number, n: number, period: { signedSince: string; signedUntil: string }) => {
    const since = Date.parse(period.signedSince);
    const span = Date.parse(period.signedUntil) - since;
    return oneflowTime(since + Math.floor(((i + 0.5) * span) / n));
  };
  for (let i = 0; i < SMALL_BACKFILL; i++)
    seeds[i]!.state_updated_time = spread(i, SMALL_BACKFILL, SMALL_PERIOD);
  for (let i = 0; i < contracts; i++)
    seeds[SMALL_BACKFILL + i]!.state_updated_time = spread(i, contracts, BIG_PERIOD);
  // The live ones keep the seed's time (now): outside both periods.
  return {
    data,
    small: data.contracts.slice(0, SMALL_BACKFILL),
    big: data.contracts.slice(SMALL_BACKFILL, SMALL_BACKFILL + contracts),
    live: data.contracts.slice(SMALL_BACKFILL + contracts),
  };
}

interface PhaseStack {
  service: { url: string; pid: number };
  webhookUrl: string;
  emulators: { oneflow: RunningOneflowEmulator; superoffice: RunningSuperOfficeEmulator };
}

async function startBackfill(stack: PhaseStack, token: string, period: object): Promise<string> {
  const res = await fetch(`${stack.service.url}/api/backfills`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(period),
  });
  const body = (await res.json()) as { backfillId?: string; error?: string; errors?: string[] };
  if (res.status !== 202 || !body.backfillId)
    throw new Error(`POST /api/backfills → ${res.status}: ${JSON.stringify(body)}`);
  return body.backfillId;
}

async function untilEnded(
  stack: PhaseStack,
  token: string,
  backfillId: string,
  bar: ProgressBar,
): Promise<BackfillStatus> {
  for (;;) {
    const res = await fetch(`${stack.service.url}/api/backfills/${backfillId}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const status = (await res.json()) as BackfillStatus;
    const p = status.progress;
    if (p) bar.update(p.done, `${p.counts.started} started · ${p.inFlight} in flight · ${p.perMinute}/min`);
    if (status.status !== 'RUNNING') {
      if (!p) throw new Error(`backfill ${backfillId} ended ${status.status}: ${status.failure ?? ''}`);
      bar.finish(p.done, `${p.phase}, ${p.perMinute}/min`);
      return status;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function backfillPhase(options: {
  stack: PhaseStack;
  adminToken: string;
  bench: BackfillBenchData;
  /** Live webhooks per second while the big backfill runs. */
  liveRate: number;
}): Promise<BackfillPhaseResult> {
  const { stack, adminToken, bench } = options;
  const smallId = await startBackfill(stack, adminToken, SMALL_PERIOD);
  await untilEnded(stack, adminToken, smallId, new ProgressBar('backfill100', bench.small.length));
  // The kernel's high-water mark of the service so far: the 100-contract backfill's peak.
  const afterSmall = readMemory(stack.service.pid)?.peakRssMb ?? NaN;

  const watcher = new OutcomeWatcher(stack.emulators.superoffice.control, bench.live);
  watcher.start();
  const startedAt = Date.now();
  const bigId = await startBackfill(stack, adminToken, BIG_PERIOD);
  const ending = untilEnded(stack, adminToken, bigId, new ProgressBar('backfill', bench.big.length));
  // Live signings all through the backfill, each with a webhook as Oneflow sends it.
  const deliveries = await sendWebhooks({
    webhookUrl: stack.webhookUrl,
    contracts: bench.live,
    rate: options.liveRate,
    concurrency: 4,
    webhookFor: (contractId) =>
      JSON.stringify(stack.emulators.oneflow.emulator.emitEvent(contractId, 'contract:sign').delivery.body),
  });
  const final = await ending;
  const endedAt = Date.now();
  // The last live webhooks may have come as the backfill ended: their syncs are waited
  // for, or the stack would be stopped under them (outside the drain's window: counted apart).
  await watcher.waitFor(bench.live, new ProgressBar('live syncs', bench.live.length), () => '');
  watcher.stop();
  const peak = readMemory(stack.service.pid)?.peakRssMb ?? NaN;

  const calls = stack.emulators.oneflow.control
    .requests()
    .filter((r) => r.path.startsWith('/v1/'))
    .map((r) => ({ at: Date.parse(r.at), status: r.status }))
    .filter((r) => r.at >= startedAt && r.at <= endedAt);
  const accepted = calls.filter((r) => r.status !== 429).length;
  const seconds = (endedAt - startedAt) / 1000;
  const drain = accepted / seconds;
  const e2e = deliveries
    .map((d) => (watcher.completedAt.get(d.contractId) ?? NaN) - d.sentAt)
    .filter((v) => Number.isFinite(v));
  return {
    contracts: bench.big.length,
    smallBackfillContracts: bench.small.length,
    durationSeconds: round(seconds, 1),
    contractsPerMinute: round((final.progress!.done / seconds) * 60, 1),
    counts: final.progress!.counts,
    oneflowRequests: calls.length,
    oneflow429s: calls.filter((r) => r.status === 429).length,
    oneflowLimitPerSecond: round(ONEFLOW_LIMIT_PER_SECOND, 3),
    drainRatePerSecond: round(drain, 3),
    drainShareOfLimit: round((drain / ONEFLOW_LIMIT_PER_SECOND) * 100, 1),
    serviceRssAfterSmallMb: Math.round(afterSmall),
    servicePeakRssMb: Math.round(peak),
    peakRssGrowthMb: Math.round(peak - afterSmall),
    liveWebhooks: deliveries.length,
    liveWebhooksRefused: deliveries.filter((d) => d.status !== 200).length,
    liveAckLatencyMs: percentiles(deliveries.map((d) => d.ackMs)),
    liveE2eLatencyMs: percentiles(e2e),
    duplicateAppointments: watcher.duplicates,
  };
}

/** The phase's lines for the markdown report. */
export function backfillMarkdown(r: BackfillPhaseResult): string {
  const ok = (pass: boolean) => (pass ? 'met' : 'NOT met');
  return [
    `### Backfill: ${r.contracts} signed contracts under Oneflow's limit, live webhooks alongside`,
    '',
    '| measure | value | goal |',
    '|---|---|---|',
    `| Oneflow drain rate | ${r.drainRatePerSecond}/s = ${r.drainShareOfLimit} % of ${r.oneflowLimitPerSecond}/s (${r.oneflowRequests} requests in ${r.durationSeconds} s) | ≥ 95 % (${ok(r.drainShareOfLimit >= 95)}) |`,
    `| Oneflow 429s | ${r.oneflow429s} | 0 (${ok(r.oneflow429s === 0)}) |`,
    `| service peak RSS | ${r.servicePeakRssMb} MB, ${r.peakRssGrowthMb} MB over the ${r.smallBackfillContracts}-contract backfill's ${r.serviceRssAfterSmallMb} MB | ≤ +100 MB (${ok(r.peakRssGrowthMb <= 100)}) |`,
    `| live webhook ack p50 / p95 / p99 | ${r.liveAckLatencyMs.p50} / ${r.liveAckLatencyMs.p95} / ${r.liveAckLatencyMs.p99} ms (${r.liveWebhooks} webhooks, ${r.liveWebhooksRefused} refused) | p99 < 100 ms (${ok(r.liveAckLatencyMs.p99 < 100)}) |`,
    `| live sync end to end p50 / p99 | ${r.liveE2eLatencyMs.p50} / ${r.liveE2eLatencyMs.p99} ms | |`,
    `| backfill | ${r.contractsPerMinute} contracts/min; ${r.counts.started} started, ${r.counts.alreadySynced} already synced, ${r.counts.failedToStart} failed to start, ${r.counts.syncsFailed} syncs failed; ${r.duplicateAppointments} duplicate Activities | |`,
    '',
  ].join('\n');
}
