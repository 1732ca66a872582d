import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { type BenchContract, type BenchDataSet, benchDataSet } from '../../bench/bench-data';
import { type Environment, loadEnvironment } from '../../src/config/env';
import type { RequestLogEntry } from '../../src/emulators/control-plane';
import {
  DEMO_ONEFLOW_TOKEN,
  DEMO_ONEFLOW_USER_EMAIL,
  DEMO_WEBHOOK_SIGN_KEY,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  startSuperOfficeEmulator,
} from '../../src/emulators/superoffice';
import { createLogger } from '../../src/logging/logger';
import { type RunningService, type ServiceOverrides, startService } from '../../src/runtime/service';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { demoMappingDocument } from '../support/sync-stack';
import type { WorkerConfig } from './worker-process';
import { STEP_NAMES, type StepName, type StepOptions } from '../../src/workflow-contract';

/**
 * What the reliability scenarios share: a batch of contracts (the demo deal repeated, each
 * with a Sale, Company, Contacts and quote of its own), both emulators with that batch,
 * the service in this process or its parts elsewhere, and checks of SuperOffice's own
 * state afterwards. Each scenario prints its figure with `report`.
 */

export const SIGN_KEY = DEMO_WEBHOOK_SIGN_KEY;
export const ADMIN_TOKEN = 'reliability-admin-token-0123456789abcdef';
export const ADMIN = { Authorization: `Bearer ${ADMIN_TOKEN}` };

export function report(scenario: string, figure: string): void {
  process.stderr.write(`\n  [reliability] ${scenario}: ${figure}\n`);
}

/**
 * The SDK's own log lines at ERROR only: the scenarios cut Temporal off on purpose, and its
 * retry warnings (one per call per retry) would bury the figures. Call before the service
 * starts: the service keeps a runtime that is already installed.
 */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      shutdownSignals: [],
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
      },
    });
  } catch {
    // Installed already in this process.
  }
}

/** Retries scaled down to test time, with the production number of attempts. */
export function stepOptions(options: StepOptions): Partial<Record<StepName, StepOptions>> {
  return Object.fromEntries(STEP_NAMES.map((s) => [s, options]));
}

export interface Emulators {
  contracts: BenchContract[];
  /** The seed documents the emulators started with (a test may change a contract and put it back). */
  data: BenchDataSet;
  oneflow: RunningOneflowEmulator;
  superoffice: RunningSuperOfficeEmulator;
  /** SuperOffice calls that change something (anything but GET and the read-only agent calls). */
  writes(): RequestLogEntry[];
  close(): Promise<void>;
}

/**
 * `count` contracts in the Oneflow emulator and their records in the SuperOffice emulator.
 * Pending ones (the default) are signed with `oneflow.sign(id)`, which sends the webhook and
 * retries it on Oneflow's schedule times `retryScale`; signed ones wait for a test's own.
 */
export async function startEmulators(
  count: number,
  options: { retryScale?: number; state?: 'pending' | 'signed' } = {},
): Promise<Emulators> {
  const data = benchDataSet(0, count, options.state ?? 'pending');
  const oneflow = await startOneflowEmulator({
    seed: data.oneflow,
    retryScale: options.retryScale ?? 0.01,
    rateLimit: { enabled: false },
  });
  const superoffice = await startSuperOfficeEmulator({ seed: data.superoffice });
  return {
    contracts: data.contracts,
    data,
    oneflow,
    superoffice,
    writes: () =>
      superoffice.control
        .requests()
        .filter((r) => r.method !== 'GET' && !/\/Agents\/Quote\/(Get|Recalculate)/.test(r.path)),
    close: async () => {
      await oneflow.close();
      await superoffice.close();
    },
  };
}

/** The environment a deployment against real endpoints has, pointed at the emulators. */
export function serviceSettings(
  target: { address: string; namespace: string },
  emulators: Pick<Emulators, 'oneflow' | 'superoffice'>,
  env: Record<string, string> = {},
): Environment {
  return {
    ...loadEnvironment({
      TEMPORAL_ADDRESS: target.address,
      TEMPORAL_NAMESPACE: target.namespace,
      TEMPORAL_TASK_QUEUE: `reliability-${randomUUID()}`,
      ONEFLOW_API_URL: emulators.oneflow.apiUrl,
      ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
      ONEFLOW_USER_EMAIL: DEMO_ONEFLOW_USER_EMAIL,
      ONEFLOW_WEBHOOK_SIGN_KEY: SIGN_KEY,
      SUPEROFFICE_API_URL: emulators.superoffice.apiUrl,
      SUPEROFFICE_ACCESS_TOKEN: DEMO_SUPEROFFICE_TOKEN,
      SMART_SYNC_ADMIN_TOKEN: ADMIN_TOKEN,
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-reliability-')),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      // A reconciliation firing mid-test (a schedule fires on the clock's multiples of its
      // interval) would start runs the test does not count on; tests of it turn it on.
      SMART_SYNC_RECONCILE_EVERY: 'off',
      ...env,
    }),
    port: 0,
  };
}

/** The whole service in this process, against real endpoints (the emulators), webhooks wired. */
export async function startServiceFor(
  target: { address: string; namespace: string },
  emulators: Emulators,
  overrides: ServiceOverrides = {},
): Promise<RunningService> {
  const environment = serviceSettings(target, emulators);
  const service = await startService(environment, createLogger(environment.logLevel), {
    mappingStore: new InMemoryMappingStore(demoMappingDocument()),
    oneflowActivitiesPerSecond: 200,
    ...overrides,
  });
  emulators.oneflow.emulator.configureWebhook({ url: `${service.url}/webhooks/oneflow` });
  return {
    ...service,
    stop: async () => {
      await service.stop();
      rmSync(environment.dataDir, { recursive: true, force: true });
    },
  };
}

/** Sale id → outcome Activities recorded on it, from the emulator's own state. */
export function activitiesBySale(superoffice: RunningSuperOfficeEmulator): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const a of superoffice.store.entities.Appointment.values()) {
    const saleId = (a.doc.Sale as { SaleId?: number } | undefined)?.SaleId;
    if (saleId === undefined) continue;
    out.set(saleId, [...(out.get(saleId) ?? []), String(a.doc.Description ?? '')]);
  }
  return out;
}

/** Resolves once every contract's Sale has an outcome Activity; `onProgress` sees the count. */
export async function waitForOutcomes(
  emulators: Emulators,
  options: {
    timeoutMs: number;
    onProgress?: (done: number) => void | Promise<void>;
    /** More to say when it times out (a worker's output, say). */
    diagnose?: () => string;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const bySale = activitiesBySale(emulators.superoffice);
    const done = emulators.contracts.filter((c) => bySale.has(c.saleId)).length;
    await options.onProgress?.(done);
    if (done === emulators.contracts.length) return;
    if (Date.now() > deadline) {
      const webhooks = emulators.oneflow.emulator
        .deliveries()
        .map((d) => d.attempts.map((a) => a.status ?? 'none').join('/'));
      throw new Error(
        `only ${done} of ${emulators.contracts.length} syncs recorded an outcome in time; ` +
          `webhook answers per delivery: ${webhooks.join(', ') || 'none sent'}` +
          (options.diagnose ? `\n${options.diagnose()}` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const SUCCESS =
  '[Smart sync] Successfully updated the properties of the following SuperOffice resource types:';

/**
 * Everything a right sync of contract i leaves in SuperOffice, read from the emulator's
 * state: the mapped values on the Sale, Company and both Contacts, the quote lines and the
 * Sale amount SuperOffice computed from them, and exactly one success Activity.
 */
export function problemsWith(emulators: Emulators, contract: BenchContract): string[] {
  const { store } = emulators.superoffice;
  const sale = store.entity('Sale', contract.saleId);
  const company = store.entity('Contact', contract.companyId);
  const [anna, jonas] = contract.personIds.map((id) => store.entity('Person', id));
  const lines = contract.quoteLineIds.map((id) => store.quoteLines.get(id));
  const expect: Array<[string, unknown, unknown]> = [
    ['Sale Number', sale?.doc.Number, contract.poNumber],
    ['Sale delivery date', sale?.custom['SuperOffice:2'], '[D:2026.12.15]'],
    ['Sale delivery method', sale?.custom['SuperOffice:3'], '[I:3]'],
    ['Sale Amount', sale?.doc.Amount, 78200],
    ['Company OrgNr', company?.doc.OrgNr, '987654321'],
    ['Company framework agreement', company?.custom['SuperOffice:1'], '[I:1]'],
    ['Contact 1 Title', anna?.doc.Title, 'Head of Purchasing'],
    ['Contact 2 Title', jonas?.doc.Title, 'Office manager'],
    ['Contact 2 shoe size', jonas?.custom['SuperOffice:4'], '[I:43]'],
    ['quote line quantities', lines.map((l) => l?.Quantity).join(','), '12,12,8'],
  ];
  const problems = expect
    .filter(([, actual, wanted]) => actual !== wanted)
    .map(([what, actual, wanted]) => `${what} is ${JSON.stringify(actual)}, not ${JSON.stringify(wanted)}`);
  const activities = activitiesBySale(emulators.superoffice).get(contract.saleId) ?? [];
  if (activities.length !== 1) problems.push(`${activities.length} outcome Activities instead of 1`);
  else if (!activities[0]!.startsWith(SUCCESS)) problems.push(`outcome: ${activities[0]!.split('\n')[0]}`);
  return problems.map((p) => `contract ${contract.contractId}: ${p}`);
}

export function problemsWithAll(emulators: Emulators): string[] {
  return emulators.contracts.flatMap((c) => problemsWith(emulators, c));
}

/** Runs of one contract in a namespace, from Temporal's visibility (what the Web UI lists). */
export async function runsOf(service: RunningService, contractId: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of service.client.workflow.list({
    query: `WorkflowType = 'smartSync' AND SmartSyncContractId = ${contractId}`,
  })) {
    ids.push(wf.workflowId);
  }
  return ids;
}

export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export interface WorkerChild {
  pid: number;
  /** What the process wrote, for a failure message. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts test/reliability/worker-process.ts and waits until its workers poll. */
export async function spawnWorker(config: WorkerConfig): Promise<WorkerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker-process.ts')], {
    env: { ...process.env, RELIABILITY_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the worker did not start within 90 s:\n${output}`)),
      90_000,
    );
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code} while starting:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    output: () => output,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
