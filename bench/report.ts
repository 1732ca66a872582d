import type { Percentiles } from './stats';
import type { BackfillPhaseResult } from './backfill-phase';
import type { ScaleOutPhase } from './scale-out';
import type { HistoryCost } from './history-cost';
import type { CallChain } from './call-chain';

/** What bench/results/*.json holds; the Markdown table is written from it. */

export interface LoadPhase {
  contracts: number;
  webhooksRefused: number;
  webhookStatuses: number[];
  ackLatencyMs: Percentiles;
  e2eLatencyMs: Percentiles;
  durationSeconds: number;
  /** From the first webhook sent to the last one answered. */
  webhooksAnsweredInSeconds: number;
  syncsPerSecond: number;
  steadySyncsPerSecond: number | null;
  duplicateAppointments: number;
  /** CPU time per sync of each process, while the phase ran. */
  cpuMsPerSync: Record<string, number>;
  /** Peak RSS (MB) of each process by the end of the phase; absent in results from before it. */
  peakRssMb?: Record<string, number>;
}

export interface BurstPhase extends LoadPhase {
  oneflowRequests: number;
  oneflow429s: number;
  oneflowLimitPerSecond: number;
  taskQueueLimitPerSecond: number;
  drainRatePerSecond: number | null;
  maxRequestsInAnyWindow: number;
  maxRequestsInAny10Seconds: number;
  windowMinutes: number;
}

export interface BaselinePhase {
  contracts: number;
  failures: number;
  firstFailures: string[];
  durationSeconds: number;
  syncsPerSecond: number;
  syncLatencyMs: Percentiles;
  peakRssMb: number;
  /** CPU time per sync of the baseline process (the emulators' share is not in it). */
  cpuMsPerSync: number;
}

type Triple = Pick<Percentiles, 'p50' | 'p95' | 'p99'>;

export interface BenchResults {
  command: string;
  mode: 'quick' | 'full';
  startedAt: string;
  durationSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    platform: string;
    node: string;
    temporalCli: string;
  };
  ackLatencyMs: Triple;
  e2eLatencyMs: Triple;
  syncsPerSecond: number;
  /** null when the baseline was skipped (--baseline 0). */
  baselineSyncsPerSecond: number | null;
  /** Baseline syncs per second over Smart Sync's: how many times faster the same calls go without Temporal. */
  durabilityCost: number | null;
  peakMemoryMb: {
    service: number;
    temporalDevServer: number;
    driverWithEmulators: number;
    baseline: number | null;
  };
  emulatorLatencyMs: number;
  workerOptions: Record<string, unknown> | null;
  phases: {
    throughput: LoadPhase;
    paced: (LoadPhase & { rate: number }) | null;
    baseline: BaselinePhase | null;
    burst: BurstPhase | null;
    /** bench/backfill-phase.ts; absent in results from before it. */
    backfill?: BackfillPhaseResult | null;
    /** Paced with 50 ms added to every emulator call; null when skipped, absent before it. */
    latency50?: (LoadPhase & { rate: number; latencyMs: number }) | null;
  };
  /** History events and workflow tasks per sync (bench/history-cost.ts); absent before it. */
  historyCost?: HistoryCost | null;
  /** One sync alone: its calls and the longest chain of them made one after another (bench/call-chain.ts); absent before it. */
  callChain?: CallChain | null;
  /** Peak RSS (MB) of each process, by phase; absent in results from before it. */
  peakRssMbByPhase?: Record<string, Record<string, number>>;
  verification: { syncedAndChecked: number; problems: string[]; problemCount: number };
  /** bench/scale-out.ts; null when skipped (--quick, --scale-out 0), absent before it. */
  scaleOut?: ScaleOutPhase | null;
}

const ms = (p: Triple) => `${p.p50} / ${p.p95} / ${p.p99} ms`;

const cpu = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export function markdownReport(r: BenchResults): string {
  const { throughput, paced, baseline, burst } = r.phases;
  const latencyPhase = paced ? `paced, ${paced.rate} webhooks/s` : 'throughput phase';
  const rows: Array<[string, string]> = [
    [`Webhook acknowledgement, p50 / p95 / p99 (${latencyPhase})`, ms(r.ackLatencyMs)],
    [
      `End-to-end, webhook → outcome Activity recorded, p50 / p95 / p99 (${latencyPhase})`,
      ms(r.e2eLatencyMs),
    ],
    [
      `Sustained syncs per second (${throughput.contracts} webhooks at once, first webhook → last Activity)`,
      `**${r.syncsPerSecond}** (steady state ${throughput.steadySyncsPerSecond ?? 'n/a'})`,
    ],
    [`Webhook acknowledgement under that load, p50 / p95 / p99`, ms(throughput.ackLatencyMs)],
    [`CPU per sync under that load (ms)`, cpu(throughput.cpuMsPerSync)],
  ];
  if (baseline) {
    rows.push(
      [
        `Baseline: the same calls without Temporal (${baseline.contracts} syncs)`,
        `**${baseline.syncsPerSecond}** syncs/s; one sync p50 ${baseline.syncLatencyMs.p50} ms; CPU ${baseline.cpuMsPerSync} ms per sync`,
      ],
      ['Cost of durability (baseline ÷ Smart Sync throughput)', `**${r.durabilityCost}×**`],
    );
  }
  if (burst) {
    rows.push(
      [
        `Burst: ${burst.contracts} webhooks at once, Oneflow limited to 2000 requests / ${burst.windowMinutes} min (${burst.oneflowLimitPerSecond}/s)`,
        `**${burst.oneflow429s} × 429**; drained at **${burst.drainRatePerSecond}/s** (task-queue limit ${burst.taskQueueLimitPerSecond}/s); ` +
          `at most ${burst.maxRequestsInAnyWindow} Oneflow requests in any ${burst.windowMinutes} min, ${burst.maxRequestsInAny10Seconds} in any 10 s; ` +
          `all ${burst.contracts} webhooks answered within ${burst.webhooksAnsweredInSeconds} s, all synced in ${burst.durationSeconds} s`,
      ],
      [`Burst webhook acknowledgement, p50 / p95 / p99`, ms(burst.ackLatencyMs)],
    );
  }
  const { latency50 } = r.phases;
  if (latency50) {
    rows.push([
      `End-to-end with ${latency50.latencyMs} ms added to every emulator call, p50 / p95 / p99 (paced, ${latency50.rate} webhooks/s, ${latency50.contracts} webhooks)`,
      `**${ms(latency50.e2eLatencyMs)}**; acknowledgement ${ms(latency50.ackLatencyMs)}`,
    ]);
  }
  const h = r.historyCost;
  if (h) {
    const w = (c: HistoryCost['smartSync']) =>
      `${c.events} events, ${c.workflowTasks} workflow tasks, ${c.activities} activities, ${c.localActivities} local activities, ${c.searchAttributeUpserts} search-attribute upserts, ${c.markers} markers`;
    rows.push([
      `History per sync (mean of ${h.smartSync.sampled} runs' histories, read after the throughput and paced phases)`,
      `**${h.eventsPerSync} events, ${h.workflowTasksPerSync} workflow tasks**: smartSync ${w(h.smartSync)}; contractSyncs (idle timer not yet fired) ${w(h.contractSyncs)}`,
    ]);
  }
  if (r.callChain) {
    rows.push([
      'HTTP calls of one sync alone, and the longest chain of them made one after another (its critical path)',
      `${r.callChain.calls} calls; **${r.callChain.longestSequentialChain} in the longest sequential chain**; ${r.callChain.spanMs} ms from the first call's start to the last one's end`,
    ]);
  }
  for (const [phase, peaks] of Object.entries(r.peakRssMbByPhase ?? {})) {
    rows.push([
      `Peak memory (RSS) by the end of the ${phase} phase`,
      Object.entries(peaks)
        .map(([k, v]) => `${k} ${v} MB`)
        .join(', '),
    ]);
  }
  const duplicates =
    throughput.duplicateAppointments +
    (paced?.duplicateAppointments ?? 0) +
    (burst?.duplicateAppointments ?? 0);
  const refused = throughput.webhooksRefused + (paced?.webhooksRefused ?? 0) + (burst?.webhooksRefused ?? 0);
  rows.push(
    ['Peak memory (RSS), Smart Sync process: workers + HTTP server', `${r.peakMemoryMb.service} MB`],
    ['Peak memory (RSS), Temporal dev server', `${r.peakMemoryMb.temporalDevServer} MB`],
    ['Peak memory (RSS), bench driver with the emulators', `${r.peakMemoryMb.driverWithEmulators} MB`],
  );
  if (r.peakMemoryMb.baseline !== null)
    rows.push(['Peak memory (RSS), baseline process', `${r.peakMemoryMb.baseline} MB`]);
  rows.push([
    'Checked in SuperOffice afterwards',
    `${r.verification.syncedAndChecked} syncs right, ${r.verification.problemCount} wrong; ${duplicates} duplicate Activities; ${refused} webhooks refused`,
  ]);
  const m = r.machine;
  return [
    `### Smart Sync benchmark (${r.mode}), ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `\`${r.command}\` on ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}; ` +
      `emulator latency ${r.emulatorLatencyMs} ms${r.workerOptions ? `; worker options ${JSON.stringify(r.workerOptions)}` : ''}; took ${r.durationSeconds} s.`,
    '',
    '| figure | value |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
}
