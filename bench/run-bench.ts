import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  DEMO_ONEFLOW_TOKEN,
  DEMO_ONEFLOW_USER_EMAIL,
  DEMO_WEBHOOK_SIGN_KEY,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../src/emulators/oneflow';
import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  startSuperOfficeEmulator,
} from '../src/emulators/superoffice';
import { DEMO_MAPPING_PATH } from '../src/runtime/service';
import { describeCliSource, findTemporalCli } from '../src/temporal/cli-binary';
import { freePort } from '../src/temporal/dev-server';
import { ONEFLOW_ACTIVITIES_PER_SECOND } from '../src/temporal/workers';
import { type BenchContract, type BenchDataSet, benchDataSet } from './bench-data';
import {
  type BackfillPhaseResult,
  backfillBenchData,
  backfillMarkdown,
  backfillPhase,
} from './backfill-phase';
import { runBaselineInChild } from './baseline';
import { type CallChain, measureCallChain } from './call-chain';
import { type HistoryCost, measureHistoryCost } from './history-cost';
import { MemorySampler, readCpuMs } from './memory';
import { ProgressBar } from './progress';
import {
  type BaselinePhase,
  type BenchResults,
  type BurstPhase,
  type LoadPhase,
  markdownReport,
} from './report';
import { runScaleOutPhase, type ScaleOutPhase, scaleOutMarkdown } from './scale-out';
import { type ServiceChild, startServiceChild } from './service-child';
import type { BenchServiceOverrides } from './service-process';
import { percentiles, round } from './stats';
import { type Delivery, OutcomeWatcher, sendWebhooks, verifySuperOffice } from './webhook-load';

/**
 * `npm run bench`: the whole service (embedded dev server, workers, HTTP server) in a child
 * process, the emulators in this one, signed contracts delivered as webhooks. Phases:
 *
 * 1. throughput: N webhooks as fast as the service takes them → sustained syncs per second;
 * 2. paced: M webhooks at a steady rate below that → acknowledgement and end-to-end latency;
 * 3. baseline: the same syncs through the same activity code with no Temporal at all;
 * 4. burst: B webhooks at once under Oneflow's real limit (2000 requests / 5 min) and the
 *    service's default task-queue rate limit → zero 429s, drain rate near the limit.
 * 5. backfill: a backfill of F signed contracts under the same limit, live webhooks alongside
 *    → drain rate, 429s, the service's peak memory, the live webhooks' acknowledgement
 *    (bench/backfill-phase.ts).
 * 6. scale-out: phase 1's load against one process, then against `smart-sync api` and one or
 *    two `smart-sync worker` processes on a Temporal of their own → syncs/s and CPU per sync
 *    for each (bench/scale-out.ts).
 *
 * Phases 1–2 lift the Oneflow limit on both sides (the emulator's and the task queue's):
 * they measure the machinery, which the limit would otherwise hide at 6.3 syncs per second.
 */

const jsonObject = z.string().transform((text, ctx) => {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'expected a JSON object, e.g. {"maxCachedWorkflows":500}' });
  return z.NEVER;
});

const argsSchema = z.object({
  quick: z.boolean().default(false),
  contracts: z.coerce.number().int().positive().optional(),
  paced: z.coerce.number().int().nonnegative().optional(),
  rate: z.coerce.number().positive().optional(),
  baseline: z.coerce.number().int().nonnegative().optional(),
  burst: z.coerce.number().int().nonnegative().optional(),
  backfill: z.coerce.number().int().nonnegative().optional(),
  'scale-out': z.coerce.number().int().nonnegative().optional(),
  'latency-phase': z.coerce.number().int().nonnegative().optional(),
  concurrency: z.coerce.number().int().positive().default(32),
  'baseline-concurrency': z.coerce.number().int().positive().default(100),
  'latency-ms': z.coerce.number().int().nonnegative().default(0),
  'worker-options': jsonObject.optional(),
  out: z.string().optional(),
  keep: z.boolean().default(false),
});
type Args = z.infer<typeof argsSchema>;

const HELP = `npm run bench [-- options]

  --quick                   small runs (under two minutes); writes bench/results/quick.{json,md}
  --contracts N             throughput: N webhooks as fast as they are taken (default 1000; quick 150)
  --paced N                 paced: N webhooks at --rate, for latencies (default 300; quick 60; 0 skips)
  --rate R                  webhooks per second when paced (default: half the measured throughput)
  --baseline N              baseline: N syncs without Temporal (default: as many as --contracts; 0 skips)
  --burst N                 burst under Oneflow's real rate limit (default 2400; quick 120; 0 skips)
  --backfill N              backfill of N signed contracts under that limit, live webhooks alongside
                            (default 3000, about half an hour at Oneflow's pace; quick 0 skips)
  --scale-out N             scale-out: N webhooks against one process, then api + 1 and 2 worker
                            processes on a separate Temporal (default 300; quick 0 skips);
                            alone: npx tsx bench/scale-out.ts --contracts N
  --latency-phase N         paced at 2/s with 50 ms added to every emulator call: N webhooks
                            (default 120; quick 0 skips)
  --concurrency C           webhooks in flight in the throughput and burst phases (default 32)
  --baseline-concurrency C  syncs at once in the baseline (default 100)
  --latency-ms L            extra latency on every emulator call, to stand in for a network (default 0)
  --worker-options JSON     extra Temporal WorkerOptions for the service, for tuning experiments
  --out FILE                results file (default bench/results/latest.json; quick.json with --quick)
  --keep                    keep the scratch folder (service logs, Temporal database) afterwards
`;

/** Syncs before the clock starts: the first ones load the property catalog and warm the JIT. */
const WARM_UP = 10;
const ONEFLOW_LIMIT = { requests: 2000, windowMs: 300_000 };

const say = (line: string) => process.stderr.write(`${line}\n`);

interface Emulators {
  oneflow: RunningOneflowEmulator;
  superoffice: RunningSuperOfficeEmulator;
  close(): Promise<void>;
}

/** Everything a run has open, so that a failure or Ctrl-C closes it. */
class Resources {
  private readonly closers = new Set<() => Promise<void>>();
  add(close: () => Promise<void>): () => Promise<void> {
    const once = async () => {
      if (!this.closers.delete(once)) return;
      await close();
    };
    this.closers.add(once);
    return once;
  }
  async closeAll(): Promise<void> {
    await Promise.all([...this.closers].map((c) => c().catch(() => {})));
  }
}

async function startEmulators(
  data: BenchDataSet,
  opts: { rateLimited: boolean; latencyMs: number },
): Promise<Emulators> {
  const oneflow = await startOneflowEmulator({
    seed: data.oneflow,
    webhookUrl: null,
    rateLimit: opts.rateLimited ? {} : { enabled: false },
  });
  const superoffice = await startSuperOfficeEmulator({ seed: data.superoffice });
  if (opts.latencyMs > 0) {
    for (const control of [oneflow.control, superoffice.control]) {
      control.addFault({ path: '**', latencyMs: opts.latencyMs });
    }
  }
  return {
    oneflow,
    superoffice,
    close: async () => {
      await oneflow.close();
      await superoffice.close();
    },
  };
}

interface Stack {
  emulators: Emulators;
  service: ServiceChild;
  webhookUrl: string;
  memory: MemorySampler;
  pids: Record<string, number | undefined>;
  stop(): Promise<Record<string, number>>;
}

/** Emulators here, the service in a child process with its own embedded dev server. */
async function startStack(
  ctx: { args: Args; cliPath: string; work: string; resources: Resources },
  name: string,
  data: BenchDataSet,
  opts: { rateLimited: boolean; overrides: BenchServiceOverrides; latencyMs?: number },
): Promise<Stack> {
  const emulators = await startEmulators(data, {
    rateLimited: opts.rateLimited,
    latencyMs: opts.latencyMs ?? ctx.args['latency-ms'],
  });
  const closeEmulators = ctx.resources.add(() => emulators.close());
  const started = Date.now();
  const service = await startServiceChild({
    env: {
      PORT: String(await freePort()),
      TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_CLI_PATH: ctx.cliPath,
      ONEFLOW_API_URL: emulators.oneflow.apiUrl,
      ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
      ONEFLOW_USER_EMAIL: DEMO_ONEFLOW_USER_EMAIL,
      ONEFLOW_WEBHOOK_SIGN_KEY: DEMO_WEBHOOK_SIGN_KEY,
      SUPEROFFICE_API_URL: emulators.superoffice.apiUrl,
      SUPEROFFICE_ACCESS_TOKEN: DEMO_SUPEROFFICE_TOKEN,
      SMART_SYNC_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
      SMART_SYNC_CONFIG: DEMO_MAPPING_PATH,
      SMART_SYNC_DATA_DIR: path.join(ctx.work, name),
      // A reconciliation firing mid-run (on the clock's quarter hours) would spend Oneflow
      // calls the measurement does not count on.
      SMART_SYNC_RECONCILE_EVERY: 'off',
      LOG_LEVEL: 'info',
    },
    overrides: {
      ...opts.overrides,
      ...(ctx.args['worker-options'] ? { workerOptions: ctx.args['worker-options'] } : {}),
    },
    logFile: path.join(ctx.work, `${name}.log`),
  });
  const stopService = ctx.resources.add(() => service.stop());
  say(
    `  service ready in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(pid ${service.pid}, Temporal dev server pid ${service.devServerPid ?? 'unknown'}; log ${service.logFile})`,
  );
  const pids = {
    service: service.pid,
    temporalDevServer: service.devServerPid,
    driverWithEmulators: process.pid,
  };
  const memory = new MemorySampler();
  for (const [k, pid] of Object.entries(pids)) memory.watch(k, pid);
  memory.start();
  return {
    emulators,
    service,
    webhookUrl: `${service.url}/webhooks/oneflow`,
    memory,
    pids,
    stop: async () => {
      const peaks = memory.stop();
      await stopService();
      await closeEmulators();
      return peaks;
    },
  };
}

/** CPU time used so far by each named process, in ms. */
function cpuSnapshot(pids: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    if (pid === undefined) continue;
    const own = process.cpuUsage();
    const ms = pid === process.pid ? (own.user + own.system) / 1000 : readCpuMs(pid);
    if (ms !== undefined) out[name] = ms;
  }
  return out;
}

function summarise(
  deliveries: Delivery[],
  watcher: OutcomeWatcher,
  cpuMsPerSync: Record<string, number>,
): LoadPhase {
  const refused = deliveries.filter((d) => d.status !== 200);
  const e2e = deliveries
    .map((d) => (watcher.completedAt.get(d.contractId) ?? NaN) - d.sentAt)
    .filter((v) => Number.isFinite(v));
  const firstSent = Math.min(...deliveries.map((d) => d.sentAt));
  const completions = deliveries
    .map((d) => watcher.completedAt.get(d.contractId) ?? NaN)
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b);
  const seconds = ((completions.at(-1) ?? NaN) - firstSent) / 1000;
  // Steady state: from the 10th to the 90th percentile of completions, away from ramp-up and tail.
  const at = (q: number) =>
    completions[Math.min(completions.length - 1, Math.floor(q * completions.length))]!;
  const steadySeconds = (at(0.9) - at(0.1)) / 1000;
  return {
    contracts: deliveries.length,
    webhooksRefused: refused.length,
    webhookStatuses: [...new Set(refused.map((d) => d.status))],
    ackLatencyMs: percentiles(deliveries.map((d) => d.ackMs)),
    e2eLatencyMs: percentiles(e2e),
    durationSeconds: round(seconds, 2),
    webhooksAnsweredInSeconds: round(
      (Math.max(...deliveries.map((d) => d.sentAt + d.ackMs)) - firstSent) / 1000,
      2,
    ),
    syncsPerSecond: round(completions.length / seconds, 2),
    steadySyncsPerSecond: steadySeconds > 0 ? round((0.8 * completions.length) / steadySeconds, 2) : null,
    duplicateAppointments: watcher.duplicates,
    cpuMsPerSync,
  };
}

/**
 * A signing webhook as Oneflow sends it: the emulator records a contract:sign event for
 * the (already signed) contract and gives its body, which the load generator delivers.
 */
function signingWebhook(stack: Stack) {
  return (contractId: number) =>
    JSON.stringify(stack.emulators.oneflow.emulator.emitEvent(contractId, 'contract:sign').delivery.body);
}

/** Sends one webhook per contract and waits for every outcome Activity, with a progress bar. */
async function loadPhase(
  stack: Stack,
  watcher: OutcomeWatcher,
  label: string,
  contracts: BenchContract[],
  opts: { rate?: number; concurrency: number },
): Promise<LoadPhase> {
  const bar = new ProgressBar(label, contracts.length);
  let sent = 0;
  const since = Date.now();
  const cpuBefore = cpuSnapshot(stack.pids);
  const sending = sendWebhooks({
    webhookUrl: stack.webhookUrl,
    webhookFor: signingWebhook(stack),
    contracts,
    ...opts,
    onDelivered: (count) => (sent = count),
  });
  const detail = () => {
    const done = contracts.filter((c) => watcher.completedAt.has(c.contractId)).length;
    return `${sent} webhooks sent · ${(done / Math.max(0.001, (Date.now() - since) / 1000)).toFixed(1)} syncs/s`;
  };
  await watcher.waitFor(contracts, bar, detail);
  const deliveries = await sending;
  const cpuAfter = cpuSnapshot(stack.pids);
  const cpu = Object.fromEntries(
    Object.keys(cpuBefore)
      .filter((k) => cpuAfter[k] !== undefined)
      .map((k) => [k, round((cpuAfter[k]! - cpuBefore[k]!) / contracts.length, 1)]),
  );
  const phase = summarise(deliveries, watcher, cpu);
  bar.finish(
    contracts.length,
    `${phase.syncsPerSecond} syncs/s, end-to-end p50 ${phase.e2eLatencyMs.p50} ms`,
  );
  return phase;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      contracts: { type: 'string' },
      paced: { type: 'string' },
      rate: { type: 'string' },
      baseline: { type: 'string' },
      burst: { type: 'string' },
      backfill: { type: 'string' },
      'scale-out': { type: 'string' },
      'latency-phase': { type: 'string' },
      concurrency: { type: 'string' },
      'baseline-concurrency': { type: 'string' },
      'latency-ms': { type: 'string' },
      'worker-options': { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`${z.prettifyError(parsed.error)}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const args = parsed.data;
  const quick = args.quick;
  const n = args.contracts ?? (quick ? 150 : 1000);
  const m = args.paced ?? (quick ? 60 : 300);
  const k = args.baseline ?? n;
  const b = args.burst ?? (quick ? 120 : 2400);
  const f = args.backfill ?? (quick ? 0 : 3000);
  const scaleOutContracts = args['scale-out'] ?? (quick ? 0 : 300);
  const latencyContracts = args['latency-phase'] ?? (quick ? 0 : 120);
  const out = path.resolve(args.out ?? path.join(__dirname, 'results', quick ? 'quick.json' : 'latest.json'));
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const startedAt = new Date();
  const work = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-bench-'));
  say(`Smart Sync benchmark (${quick ? 'quick' : 'full'}); scratch folder ${work}`);
  const cli = await findTemporalCli({ report: (line) => say(`  [temporal] ${line}`) });
  say(`  ${describeCliSource(cli)}`);

  const resources = new Resources();
  const ctx = { args, cliPath: cli.path, work, resources };
  process.once('SIGINT', () => {
    say('\ninterrupted: stopping the service and the emulators');
    void resources.closeAll().finally(() => process.exit(130));
  });

  try {
    const problems: string[] = [];
    let checked = 0;
    const check = (store: RunningSuperOfficeEmulator['store'], contracts: BenchContract[]) => {
      const v = verifySuperOffice(store, contracts);
      checked += v.synced;
      problems.push(...v.problems);
    };

    // ---- 1 and 2: throughput and paced, the Oneflow limit lifted ------------------------
    say(`\n[1/4] throughput: ${n} webhooks as fast as they are taken, ${args.concurrency} in flight`);
    // One contract more than the phases use: the call-chain probe syncs it alone at the end.
    const data = benchDataSet(0, WARM_UP + n + m + 1);
    const [warmUp, throughputSet, pacedSet, [probeContract]] = [
      data.contracts.slice(0, WARM_UP),
      data.contracts.slice(WARM_UP, WARM_UP + n),
      data.contracts.slice(WARM_UP + n, WARM_UP + n + m),
      data.contracts.slice(WARM_UP + n + m),
    ];
    const stack = await startStack(ctx, 'service-1', data, {
      rateLimited: false,
      overrides: { oneflowActivitiesPerSecond: 100_000 },
    });
    const watcher = new OutcomeWatcher(stack.emulators.superoffice.control, data.contracts);
    watcher.start();
    await sendWebhooks({
      webhookUrl: stack.webhookUrl,
      webhookFor: signingWebhook(stack),
      contracts: warmUp,
      concurrency: 4,
    });
    await watcher.waitFor(warmUp, new ProgressBar('warm-up', WARM_UP), () => '');
    const throughput = await loadPhase(stack, watcher, 'throughput', throughputSet, {
      concurrency: args.concurrency,
    });
    throughput.peakRssMb = stack.memory.peaksSoFar();

    let paced: (LoadPhase & { rate: number }) | null = null;
    if (m > 0) {
      const rate = args.rate ?? Math.max(1, round(throughput.syncsPerSecond / 2, 0));
      say(`\n[2/4] paced: ${m} webhooks at ${rate} per second`);
      paced = {
        rate,
        ...(await loadPhase(stack, watcher, 'paced', pacedSet, {
          rate,
          concurrency: args.concurrency,
        })),
      };
    }
    // One sync alone, its calls read from the emulators' logs: the longest sequential chain.
    const callChain: CallChain | null = await measureCallChain(
      { oneflow: stack.emulators.oneflow.control, superoffice: stack.emulators.superoffice.control },
      async () => {
        await sendWebhooks({
          webhookUrl: stack.webhookUrl,
          webhookFor: signingWebhook(stack),
          contracts: [probeContract!],
          concurrency: 1,
        });
        await watcher.waitFor([probeContract!], new ProgressBar('call chain', 1), () => '');
      },
    ).catch((err: Error) => {
      say(`  could not measure the call chain: ${err.message}`);
      return null;
    });
    if (callChain)
      say(
        `  one sync alone: ${callChain.calls} calls, the longest sequential chain ${callChain.longestSequentialChain}, ${callChain.spanMs} ms from the first call's start to the last one's end:\n    ${callChain.chain.join('\n    ')}`,
      );
    watcher.stop();
    check(stack.emulators.superoffice.store, data.contracts);
    // Before the stack stops: the histories live in the service's embedded dev server.
    const historyCost: HistoryCost | null = await measureHistoryCost({
      address: stack.service.temporalAddress,
    }).catch((err: Error) => {
      say(`  could not read the runs' histories: ${err.message}`);
      return null;
    });
    if (historyCost) {
      say(
        `  per sync: ${historyCost.eventsPerSync} history events, ${historyCost.workflowTasksPerSync} workflow tasks ` +
          `(smartSync ${historyCost.smartSync.events} / ${historyCost.smartSync.workflowTasks}, ` +
          `contractSyncs ${historyCost.contractSyncs.events} / ${historyCost.contractSyncs.workflowTasks})`,
      );
    }
    const memory1 = await stack.stop();
    if (paced) paced.peakRssMb = memory1;

    // ---- 3: baseline, no Temporal --------------------------------------------------------
    let baseline: BaselinePhase | null = null;
    if (k > 0) {
      say(
        `\n[3/4] baseline: ${k} syncs through the same activity code without Temporal, ${args['baseline-concurrency']} at once`,
      );
      const baseData = benchDataSet(0, WARM_UP + k);
      const emulators = await startEmulators(baseData, { rateLimited: false, latencyMs: args['latency-ms'] });
      const closeEmulators = resources.add(() => emulators.close());
      const bar = new ProgressBar('baseline', WARM_UP + k);
      const run = await runBaselineInChild(
        {
          oneflow: {
            apiUrl: emulators.oneflow.apiUrl,
            apiToken: DEMO_ONEFLOW_TOKEN,
            userEmail: DEMO_ONEFLOW_USER_EMAIL,
          },
          superoffice: { apiUrl: emulators.superoffice.apiUrl, accessToken: DEMO_SUPEROFFICE_TOKEN },
          mappingFile: DEMO_MAPPING_PATH,
          warmUp: WARM_UP,
          contractIds: baseData.contracts.map((c) => c.contractId),
          concurrency: args['baseline-concurrency'],
        },
        (done) => bar.update(done),
      );
      baseline = {
        contracts: k,
        failures: run.failures.length,
        firstFailures: run.failures.slice(0, 5),
        durationSeconds: round(run.durationMs / 1000, 2),
        syncsPerSecond: round(run.syncs / (run.durationMs / 1000), 2),
        syncLatencyMs: percentiles(run.latenciesMs),
        peakRssMb: Math.round(run.peakRssMb),
        cpuMsPerSync: round(run.cpuMs / k, 1),
      };
      bar.finish(WARM_UP + k, `${baseline.syncsPerSecond} syncs/s`);
      check(emulators.superoffice.store, baseData.contracts);
      await closeEmulators();
    }

    // ---- 4: a burst under Oneflow's real limit --------------------------------------------
    let burst: BurstPhase | null = null;
    let memory4: Record<string, number> = {};
    if (b > 0) {
      const limit = ONEFLOW_LIMIT.requests / (ONEFLOW_LIMIT.windowMs / 1000);
      say(
        `\n[4/4] burst: ${b} webhooks at once; Oneflow allows ${ONEFLOW_LIMIT.requests} requests per ` +
          `${ONEFLOW_LIMIT.windowMs / 60_000} min (${round(limit, 2)}/s); Smart Sync's task queue limit is ` +
          `${round(ONEFLOW_ACTIVITIES_PER_SECOND, 2)}/s`,
      );
      const burstData = benchDataSet(0, b);
      const burstStack = await startStack(ctx, 'service-2', burstData, { rateLimited: true, overrides: {} });
      const burstWatcher = new OutcomeWatcher(burstStack.emulators.superoffice.control, burstData.contracts);
      burstWatcher.start();
      const phase = await loadPhase(burstStack, burstWatcher, 'burst', burstData.contracts, {
        concurrency: args.concurrency,
      });
      burstWatcher.stop();
      const calls = burstStack.emulators.oneflow.control
        .requests()
        .filter((r) => r.path.startsWith('/v1/'))
        .map((r) => ({ at: Date.parse(r.at), status: r.status }));
      const accepted = calls
        .filter((r) => r.status !== 429)
        .map((r) => r.at)
        .sort((x, y) => x - y);
      const drainSeconds = ((accepted.at(-1) ?? 0) - (accepted[0] ?? 0)) / 1000;
      burst = {
        ...phase,
        oneflowRequests: calls.length,
        oneflow429s: calls.filter((r) => r.status === 429).length,
        oneflowLimitPerSecond: round(limit, 3),
        taskQueueLimitPerSecond: round(ONEFLOW_ACTIVITIES_PER_SECOND, 3),
        drainRatePerSecond: drainSeconds > 0 ? round((accepted.length - 1) / drainSeconds, 3) : null,
        maxRequestsInAnyWindow: maxInWindow(accepted, ONEFLOW_LIMIT.windowMs),
        maxRequestsInAny10Seconds: maxInWindow(accepted, 10_000),
        windowMinutes: ONEFLOW_LIMIT.windowMs / 60_000,
      };
      say(
        `  Oneflow: ${burst.oneflow429s} × 429; drained at ${burst.drainRatePerSecond}/s; ` +
          `at most ${burst.maxRequestsInAnyWindow} requests in any ${burst.windowMinutes} min`,
      );
      check(burstStack.emulators.superoffice.store, burstData.contracts);
      memory4 = await burstStack.stop();
      burst.peakRssMb = memory4;
    }

    // ---- 4b: paced at 2/s with 50 ms on every emulator call, as a network would add ---------
    let latency50: (LoadPhase & { rate: number; latencyMs: number }) | null = null;
    if (latencyContracts > 0) {
      const [rate, latencyMs] = [2, 50];
      say(
        `\n[4b] latency: ${latencyContracts} webhooks at ${rate}/s, ${latencyMs} ms added to every emulator call`,
      );
      const latencyData = benchDataSet(0, WARM_UP + latencyContracts);
      const latencyStack = await startStack(ctx, 'service-latency', latencyData, {
        rateLimited: false,
        overrides: { oneflowActivitiesPerSecond: 100_000 },
        latencyMs,
      });
      const latencyWatcher = new OutcomeWatcher(
        latencyStack.emulators.superoffice.control,
        latencyData.contracts,
      );
      latencyWatcher.start();
      const [latencyWarmUp, latencySet] = [
        latencyData.contracts.slice(0, WARM_UP),
        latencyData.contracts.slice(WARM_UP),
      ];
      await sendWebhooks({
        webhookUrl: latencyStack.webhookUrl,
        webhookFor: signingWebhook(latencyStack),
        contracts: latencyWarmUp,
        concurrency: 4,
      });
      await latencyWatcher.waitFor(latencyWarmUp, new ProgressBar('warm-up', WARM_UP), () => '');
      const phase = await loadPhase(latencyStack, latencyWatcher, 'latency 50 ms', latencySet, {
        rate,
        concurrency: args.concurrency,
      });
      latencyWatcher.stop();
      check(latencyStack.emulators.superoffice.store, latencyData.contracts);
      latency50 = { rate, latencyMs, ...phase, peakRssMb: await latencyStack.stop() };
    }

    // ---- 5: a backfill under Oneflow's real limit, live webhooks alongside -------------------
    let backfill: BackfillPhaseResult | null = null;
    let memory5: Record<string, number> = {};
    if (f > 0) {
      say(
        `\n[5/5] backfill: first of 100 signed contracts, then of ${f}, with live webhooks alongside, ` +
          `under Oneflow's limit`,
      );
      const bench = backfillBenchData(f, Math.max(5, Math.min(200, Math.round(f / 15))));
      const bfStack = await startStack(ctx, 'service-3', bench.data, { rateLimited: true, overrides: {} });
      backfill = await backfillPhase({
        stack: bfStack,
        adminToken: 'bench-admin-token-0123456789abcdef',
        bench,
        // Spread over about the time the backfill takes at Oneflow's pace (since 0.5 two
        // requests a contract: its events in startSigningSync, then the sync's fetch).
        liveRate: Math.max(0.05, bench.live.length / ((f * 2) / ((2000 / 300) * 0.95))),
      });
      say(
        `  Oneflow: ${backfill.oneflow429s} × 429; drained at ${backfill.drainRatePerSecond}/s ` +
          `(${backfill.drainShareOfLimit} % of the limit); service peak ${backfill.servicePeakRssMb} MB ` +
          `(+${backfill.peakRssGrowthMb} MB over 100 contracts); live ack p99 ${backfill.liveAckLatencyMs.p99} ms`,
      );
      check(bfStack.emulators.superoffice.store, [...bench.small, ...bench.big, ...bench.live]);
      memory5 = await bfStack.stop();
    }

    // ---- 6: scale-out: one process, then the api and 1 or 2 workers apart (bench/scale-out.ts)
    let scaleOut: ScaleOutPhase | null = null;
    if (scaleOutContracts > 0) {
      say(
        `\n[6] scale-out: ${scaleOutContracts} webhooks against each deployment, ${args.concurrency} in flight`,
      );
      scaleOut = await runScaleOutPhase({
        cliPath: cli.path,
        work,
        contracts: scaleOutContracts,
        concurrency: args.concurrency,
        latencyMs: args['latency-ms'],
        say,
        track: (close) => resources.add(close),
      });
      for (const run of scaleOut.runs) {
        checked += run.contracts - run.problems.length;
        problems.push(...run.problems);
      }
    }

    // ---- results ---------------------------------------------------------------------------
    const results: BenchResults = {
      command,
      mode: quick ? 'quick' : 'full',
      startedAt: startedAt.toISOString(),
      durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 0),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGb: round(os.totalmem() / 2 ** 30, 1),
        platform: `${os.type()} ${os.release()}`,
        node: process.version,
        temporalCli: cli.path,
      },
      ackLatencyMs: triple((paced ?? throughput).ackLatencyMs),
      e2eLatencyMs: triple((paced ?? throughput).e2eLatencyMs),
      syncsPerSecond: throughput.syncsPerSecond,
      baselineSyncsPerSecond: baseline?.syncsPerSecond ?? null,
      durabilityCost: baseline ? round(baseline.syncsPerSecond / throughput.syncsPerSecond, 1) : null,
      peakMemoryMb: {
        service: Math.max(
          memory1.service ?? 0,
          memory4.service ?? 0,
          memory5.service ?? 0,
          latency50?.peakRssMb?.service ?? 0,
        ),
        temporalDevServer: Math.max(memory1.temporalDevServer ?? 0, memory4.temporalDevServer ?? 0),
        driverWithEmulators: Math.max(memory1.driverWithEmulators ?? 0, memory4.driverWithEmulators ?? 0),
        baseline: baseline?.peakRssMb ?? null,
      },
      emulatorLatencyMs: args['latency-ms'],
      workerOptions: args['worker-options'] ?? null,
      phases: { throughput, paced, baseline, burst, backfill, latency50 },
      historyCost,
      callChain,
      // VmHWM: each service process's peak since it started, so a phase sharing a process
      // with an earlier one (paced after throughput) shows the larger of the two.
      peakRssMbByPhase: Object.fromEntries(
        Object.entries({
          throughput: throughput.peakRssMb,
          paced: paced?.peakRssMb,
          baseline: baseline ? { baseline: baseline.peakRssMb } : undefined,
          burst: burst?.peakRssMb,
          backfill: f > 0 ? memory5 : undefined,
          latency50: latency50?.peakRssMb,
        }).filter((e): e is [string, Record<string, number>] => e[1] !== undefined),
      ),
      scaleOut,
      verification: {
        syncedAndChecked: checked,
        problems: problems.slice(0, 20),
        problemCount: problems.length,
      },
    };
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    const md =
      markdownReport(results) +
      (backfill ? `\n${backfillMarkdown(backfill)}` : '') +
      (scaleOut ? `\n${scaleOutMarkdown(scaleOut)}` : '');
    const mdFile = out.replace(/\.json$/, '') + '.md';
    writeFileSync(mdFile, md);
    process.stdout.write(`\n${md}\n`);
    say(`results: ${path.relative(process.cwd(), out)} and ${path.relative(process.cwd(), mdFile)}`);
    if (problems.length > 0) {
      say(
        `\n${problems.length} contract(s) did not end up right in SuperOffice:\n  ${problems.slice(0, 10).join('\n  ')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await resources.closeAll();
    if (args.keep || process.exitCode) say(`scratch folder kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function triple(p: { p50: number; p95: number; p99: number }) {
  return { p50: p.p50, p95: p.p95, p99: p.p99 };
}

/** The most timestamps (sorted) that fall within any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

main().catch((err: Error) => {
  process.stderr.write(`\nbenchmark failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
