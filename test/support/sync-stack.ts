import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MappingDocument } from '../../src/config/mapping-document';
import { loadEnvironment } from '../../src/config/env';
import { createLogger } from '../../src/logging/logger';
import { type RunningService, startService } from '../../src/runtime/service';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import demoMapping from '../../config/demo-mapping.json';
import {
  type SmartSyncResult,
  STEP_NAMES,
  type StepName,
  type StepOptions,
} from '../../src/workflow-contract';

/** Short retries, so that a fault that heals is retried within a test's time. */
const FAST: StepOptions = {
  initialIntervalMs: 50,
  maximumIntervalMs: 200,
  backoffCoefficient: 2,
  maximumAttempts: 6,
};
export const FAST_STEPS: Partial<Record<StepName, StepOptions>> = Object.fromEntries(
  STEP_NAMES.map((step) => [step, FAST]),
);

export const ADMIN = { Authorization: 'Bearer demo-admin-token' };

export interface SyncStack {
  service: RunningService;
  oneflowOrigin: string;
  superofficeOrigin: string;
  /** Signs a contract in the Oneflow emulator (which sends the webhook) and waits for the run it starts. */
  signAndWait(contractId?: number): Promise<{ workflowId: string; result: SmartSyncResult }>;
  /** The SuperOffice emulator's whole state. */
  superoffice(): Promise<SuperOfficeState>;
  /** The runs of a contract, newest first. */
  runs(
    contractId: number,
  ): Promise<Array<{ workflowId: string; runId: string; outcome?: string; trigger?: string }>>;
  waitForResult(workflowId: string): Promise<SmartSyncResult>;
  fault(origin: string, rule: Record<string, unknown>): Promise<void>;
  requests(origin: string): Promise<Array<{ method: string; path: string; status: number | null }>>;
  stop(): Promise<void>;
}

export interface SuperOfficeState {
  sales: Array<Record<string, unknown> & { SaleId: number }>;
  contacts: Array<Record<string, unknown> & { ContactId: number }>;
  persons: Array<Record<string, unknown> & { PersonId: number }>;
  appointments: Array<Record<string, unknown> & { AppointmentId: number; Description?: string }>;
  [key: string]: unknown;
}

export function demoMappingDocument(): MappingDocument {
  return structuredClone(demoMapping) as MappingDocument;
}

async function json(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * The whole service as `npm start` runs it in demo mode (emulators with demo data,
 * workers, HTTP server), on the test run's Temporal dev server, with its own task queue
 * and free ports, so that test files can run side by side.
 */
export async function startSyncStack(
  options: {
    mapping?: MappingDocument | null;
    temporalClientAddress?: string;
    /**
     * SMART_SYNC_RECONCILE_EVERY; default `off`, because a schedule's interval fires on the
     * clock's multiples of it, and a reconciliation in the middle of a test that counts runs
     * would start some of its own.
     */
    reconcileEvery?: string;
    reconcileWindow?: string;
  } = {},
): Promise<SyncStack> {
  const target = testTemporalTarget();
  const environment = {
    ...loadEnvironment({
      TEMPORAL_ADDRESS: target.address,
      TEMPORAL_NAMESPACE: await createTestNamespace(),
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-test-')),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SMART_SYNC_RECONCILE_EVERY: options.reconcileEvery ?? 'off',
      SMART_SYNC_RECONCILE_WINDOW: options.reconcileWindow,
    }),
    port: 0,
  };
  const mapping = options.mapping === undefined ? demoMappingDocument() : options.mapping;
  const service = await startService(environment, createLogger(environment.logLevel), {
    demoPorts: { oneflow: 0, superoffice: 0 },
    steps: FAST_STEPS,
    webhookRetryScale: 0.001,
    mappingStore: new InMemoryMappingStore(mapping),
    temporalClientAddress: options.temporalClientAddress,
  });
  const demo = service.demo!;
  const oneflowOrigin = demo.oneflowEmulator.origin;
  const superofficeOrigin = demo.superofficeEmulator.origin;

  const runs: SyncStack['runs'] = async (contractId) => {
    const res = await json('GET', `${service.url}/api/contracts/${contractId}/runs`, undefined, ADMIN);
    if (res.status !== 200)
      throw new Error(`GET /api/contracts/${contractId}/runs → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.runs;
  };

  const waitForResult = async (workflowId: string) =>
    (await service.client.workflow.getHandle(workflowId).result()) as SmartSyncResult;

  return {
    service,
    oneflowOrigin,
    superofficeOrigin,
    async signAndWait(contractId = 9001) {
      const before = new Set((await runs(contractId)).map((r) => r.workflowId));
      const signed = demo.oneflowEmulator.sign(contractId);
      void signed;
      await demo.oneflowEmulator.settled();
      for (let i = 0; i < 100; i++) {
        const found = (await runs(contractId)).find((r) => !before.has(r.workflowId));
        if (found) return { workflowId: found.workflowId, result: await waitForResult(found.workflowId) };
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no run of contract ${contractId} appeared after signing`);
    },
    async superoffice() {
      return (await json('GET', `${superofficeOrigin}/_emulator/state`)).body as SuperOfficeState;
    },
    runs,
    waitForResult,
    async fault(origin, rule) {
      const res = await json('POST', `${origin}/_emulator/faults`, rule);
      if (res.status !== 201) throw new Error(`fault not accepted: ${JSON.stringify(res.body)}`);
    },
    async requests(origin) {
      return (await json('GET', `${origin}/_emulator/requests`)).body;
    },
    stop: () => service.stop(),
  };
}
