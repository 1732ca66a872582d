import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  DEMO_ONEFLOW_TOKEN,
  DEMO_ONEFLOW_USER_EMAIL,
  DEMO_WEBHOOK_SIGN_KEY,
  startOneflowEmulator,
} from '../src/emulators/oneflow';
import { DEMO_SUPEROFFICE_TOKEN, startSuperOfficeEmulator } from '../src/emulators/superoffice';
import { DEMO_MAPPING_PATH } from '../src/runtime/service';
import { freePort, startDevServer } from '../src/temporal/dev-server';
import { type BenchContract, benchDataSet } from './bench-data';
import { readCpuMs } from './memory';
import { ProgressBar } from './progress';
import { type ServiceChild, startServiceChild } from './service-child';
import { round } from './stats';
import { OutcomeWatcher, sendWebhooks, verifySuperOffice } from './webhook-load';

/**
 * The scale-out phase: the throughput phase's load (N webhooks as fast as they are taken,
 * the Oneflow limit lifted) against three deployments of the same code:
 *
 * - `embedded`: one `smart-sync start` process with its embedded dev server (as phase 1);
 * - `cluster, 1 worker`: a dev server of its own standing in for the cluster, one
 *   `smart-sync api` and one `smart-sync worker` process, all reached over TCP;
 * - `cluster, 2 workers`: the same with two worker processes on one task queue.
 *
 * For each: syncs per second and CPU ms per sync, summed over every process and per role.
 * On two cores the absolute figure is not the point: the shape is (does a second worker add
 * throughput or only contend for the same cores, and what does splitting the process cost).
 */

export interface ScaleOutRun {
  deployment: 'embedded' | 'cluster, 1 worker' | 'cluster, 2 workers';
  contracts: number;
  syncsPerSecond: number;
  durationSeconds: number;
  /** CPU ms per sync, every process of the deployment added up (the load generator and emulators not counted). */
  cpuMsPerSync: number;
  /** The same by role: service (embedded), api, worker (all replicas), temporal. */
  cpuMsPerSyncByRole: Record<string, number>;
  webhooksRefused: number;
  duplicateAppointments: number;
  problems: string[];
}

export interface ScaleOutPhase {
  contracts: number;
  concurrency: number;
  runs: ScaleOutRun[];
  /** Syncs per second with two workers over one, on the cluster. */
  twoWorkersOverOne: number | null;
  /** Syncs per second of the split deployment (one worker) over the embedded one. */
  clusterOverEmbedded: number | null;
}

const WARM_UP = 10;

export interface ScaleOutContext {
  cliPath: string;
  work: string;
  contracts: number;
  concurrency: number;
  latencyMs: number;
  say: (line: string) => void;
  /** Registers a closer with the caller, so that a failure or Ctrl-C stops everything. */
  track: (close: () => Promise<void>) => () => Promise<void>;
}

export async function runScaleOutPhase(ctx: ScaleOutContext): Promise<ScaleOutPhase> {
  const runs: ScaleOutRun[] = [];
  for (const deployment of ['embedded', 'cluster, 1 worker', 'cluster, 2 workers'] as const) {
    ctx.say(`  ${deployment}:`);
    runs.push(await runOne(ctx, deployment));
  }
  const by = (d: ScaleOutRun['deployment']) => runs.find((r) => r.deployment === d)!.syncsPerSecond;
  return {
    contracts: ctx.contracts,
    concurrency: ctx.concurrency,
    runs,
    twoWorkersOverOne: round(by('cluster, 2 workers') / by('cluster, 1 worker'), 2),
    clusterOverEmbedded: round(by('cluster, 1 worker') / by('embedded'), 2),
  };
}

async function runOne(ctx: ScaleOutContext, deployment: ScaleOutRun['deployment']): Promise<ScaleOutRun> {
  const name = deployment.replace(/[^a-z0-9]+/g, '-');
  const dir = path.join(ctx.work, `scale-out-${name}`);
  mkdirSync(dir, { recursive: true });
  const data = benchDataSet(0, WARM_UP + ctx.contracts);
  const oneflow = await startOneflowEmulator({
    seed: data.oneflow,
    webhookUrl: null,
    rateLimit: { enabled: false },
  });
  const superoffice = await startSuperOfficeEmulator({ seed: data.superoffice });
  const closeEmulators = ctx.track(async () => {
    await oneflow.close();
    await superoffice.close();
  });
  if (ctx.latencyMs > 0) {
    for (const control of [oneflow.control, superoffice.control])
      control.addFault({ path: '**', latencyMs: ctx.latencyMs });
  }
  const env = (role: string, port: number): Record<string, string> => ({
    PORT: String(port),
    SMART_SYNC_WORKER_HEALTH_PORT: String(port),
    ONEFLOW_API_URL: oneflow.apiUrl,
    ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
    ONEFLOW_USER_EMAIL: DEMO_ONEFLOW_USER_EMAIL,
    ONEFLOW_WEBHOOK_SIGN_KEY: DEMO_WEBHOOK_SIGN_KEY,
    SUPEROFFICE_API_URL: superoffice.apiUrl,
    SUPEROFFICE_ACCESS_TOKEN: DEMO_SUPEROFFICE_TOKEN,
    SMART_SYNC_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
    SMART_SYNC_CONFIG: DEMO_MAPPING_PATH,
    SMART_SYNC_DATA_DIR: path.join(dir, role),
    // A reconciliation firing mid-run (on the clock's quarter hours) would spend Oneflow
    // calls the measurement does not count on.
    SMART_SYNC_RECONCILE_EVERY: 'off',
    BENCH_SERVICE_ROLE: role,
    LOG_LEVEL: 'info',
  });
  const overrides = { oneflowActivitiesPerSecond: 100_000 };
  const processes: Array<{ role: string; pid: number }> = [];
  const children: ServiceChild[] = [];
  const start = async (role: string, extra: Record<string, string> = {}) => {
    const port = await freePort();
    const child = await startServiceChild({
      env: { ...env(role, port), ...extra },
      overrides,
      logFile: path.join(dir, `${role}-${children.length}.log`),
    });
    children.push(child);
    ctx.track(() => child.stop());
    processes.push({ role: role === 'all' ? 'service' : role, pid: child.pid });
    if (child.devServerPid) processes.push({ role: 'temporal', pid: child.devServerPid });
    return child;
  };

  let webhookUrl: string;
  let stopCluster: (() => Promise<void>) | undefined;
  const started = Date.now();
  if (deployment === 'embedded') {
    const service = await start('all', {
      TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_CLI_PATH: ctx.cliPath,
    });
    webhookUrl = `${service.url}/webhooks/oneflow`;
  } else {
    const server = await startDevServer({
      cliPath: ctx.cliPath,
      port: 0,
      dbFile: path.join(dir, 'temporal.db'),
      startTimeoutMs: 120_000,
    });
    stopCluster = ctx.track(() => server.stop());
    processes.push({ role: 'temporal', pid: server.process.pid! });
    const cluster = { TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: 'smart-sync-bench' };
    const workers = deployment === 'cluster, 2 workers' ? 2 : 1;
    const [api] = await Promise.all([
      start('api', cluster),
      ...Array.from({ length: workers }, () => start('worker', cluster)),
    ]);
    webhookUrl = `${api!.url}/webhooks/oneflow`;
  }
  ctx.say(
    `    ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${processes.map((p) => `${p.role} ${p.pid}`).join(', ')}`,
  );

  const webhookFor = (contractId: number) =>
    JSON.stringify(oneflow.emulator.emitEvent(contractId, 'contract:sign').delivery.body);
  const watcher = new OutcomeWatcher(superoffice.control, data.contracts);
  watcher.start();
  try {
    const warmUp = data.contracts.slice(0, WARM_UP);
    const measured = data.contracts.slice(WARM_UP);
    await sendWebhooks({ webhookUrl, webhookFor, contracts: warmUp, concurrency: 4 });
    await watcher.waitFor(warmUp, new ProgressBar('    warm-up', WARM_UP), () => '');
    const cpuBefore = processes.map((p) => readCpuMs(p.pid) ?? 0);
    const bar = new ProgressBar(`    ${deployment}`, measured.length);
    const deliveries = await sendWebhooks({
      webhookUrl,
      webhookFor,
      contracts: measured,
      concurrency: ctx.concurrency,
    });
    await watcher.waitFor(measured, bar, () => '');
    const cpuAfter = processes.map((p) => readCpuMs(p.pid) ?? 0);
    const completions = measured
      .map((c: BenchContract) => watcher.completedAt.get(c.contractId)!)
      .sort((a, b) => a - b);
    const firstSent = Math.min(...deliveries.map((d) => d.sentAt));
    const seconds = (completions.at(-1)! - firstSent) / 1000;
    const byRole: Record<string, number> = {};
    processes.forEach((p, i) => {
      byRole[p.role] = (byRole[p.role] ?? 0) + (cpuAfter[i]! - cpuBefore[i]!) / measured.length;
    });
    const total = Object.values(byRole).reduce((a, b) => a + b, 0);
    const syncsPerSecond = round(measured.length / seconds, 2);
    bar.finish(measured.length, `${syncsPerSecond} syncs/s, ${round(total, 1)} CPU ms per sync`);
    return {
      deployment,
      contracts: measured.length,
      syncsPerSecond,
      durationSeconds: round(seconds, 2),
      cpuMsPerSync: round(total, 1),
      cpuMsPerSyncByRole: Object.fromEntries(Object.entries(byRole).map(([k, v]) => [k, round(v, 1)])),
      webhooksRefused: deliveries.filter((d) => d.status !== 200).length,
      duplicateAppointments: watcher.duplicates,
      problems: verifySuperOffice(superoffice.store, data.contracts).problems,
    };
  } finally {
    watcher.stop();
    await Promise.all(children.map((c) => c.stop()));
    await stopCluster?.();
    await closeEmulators();
  }
}

export function scaleOutMarkdown(phase: ScaleOutPhase): string {
  const rows = phase.runs.map(
    (r) =>
      `| ${r.deployment} | ${r.syncsPerSecond} | ${r.cpuMsPerSync} | ${Object.entries(r.cpuMsPerSyncByRole)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} | ${r.webhooksRefused} | ${r.duplicateAppointments} |`,
  );
  return [
    `### Scale-out (${phase.contracts} webhooks, ${phase.concurrency} in flight)`,
    '',
    '| deployment | syncs/s | CPU ms per sync | by process | webhooks refused | duplicate Activities |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Two workers over one: ${phase.twoWorkersOverOne}×; split (api + worker + Temporal apart) over embedded: ${phase.clusterOverEmbedded}×.`,
    '',
  ].join('\n');
}

/** `npx tsx bench/scale-out.ts [--contracts N] [--concurrency C]`: this phase alone. */
async function main(): Promise<void> {
  const { parseArgs } = await import('node:util');
  const os = await import('node:os');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { findTemporalCli } = await import('../src/temporal/cli-binary');
  const { values } = parseArgs({
    options: {
      contracts: { type: 'string' },
      concurrency: { type: 'string' },
      'latency-ms': { type: 'string' },
    },
  });
  const work = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-scale-out-'));
  const closers: Array<() => Promise<void>> = [];
  try {
    const phase = await runScaleOutPhase({
      cliPath: (await findTemporalCli({})).path,
      work,
      contracts: Number(values.contracts ?? 100),
      concurrency: Number(values.concurrency ?? 32),
      latencyMs: Number(values['latency-ms'] ?? 0),
      say: (line) => process.stderr.write(`${line}\n`),
      track: (close) => {
        let done = false;
        const once = async () => {
          if (done) return;
          done = true;
          await close();
        };
        closers.push(once);
        return once;
      },
    });
    process.stdout.write(`\n${scaleOutMarkdown(phase)}\n${JSON.stringify(phase, null, 2)}\n`);
    if (phase.runs.some((r) => r.problems.length > 0)) process.exitCode = 1;
  } finally {
    await Promise.all(closers.map((c) => c().catch(() => {})));
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
