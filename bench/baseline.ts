import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { createOneflowActivities, createSuperOfficeActivities } from '../src/activities';
import { parseMappingDocumentText } from '../src/config/mapping-document';
import { createLogger } from '../src/logging/logger';
import { OneflowClient } from '../src/oneflow/client';
import { SqliteMappingStore } from '../src/mapping-store/sqlite-mapping-store';
import { SuperOfficeClient } from '../src/superoffice/client';
import type { ResourceResult } from '../src/workflow-contract';

/**
 * The baseline: the same syncs, making the same HTTP calls to the same emulators through
 * the same activity code, but called directly, one after another within a sync and
 * `concurrency` syncs at a time, with no Temporal, no webhook, no retries and no record
 * of anything. What Smart Sync adds on top of this is the price of durability.
 *
 * It runs in a process of its own, as the service does, so that it does not share an
 * event loop with the emulators.
 */

const configSchema = z.strictObject({
  oneflow: z.strictObject({ apiUrl: z.string(), apiToken: z.string(), userEmail: z.string() }),
  superoffice: z.strictObject({ apiUrl: z.string(), accessToken: z.string() }),
  mappingFile: z.string(),
  contractIds: z.array(z.number().int().positive()),
  /** The first `warmUp` contracts are synced before the clock starts (catalog, JIT). */
  warmUp: z.number().int().nonnegative(),
  concurrency: z.number().int().positive(),
});
export type BaselineConfig = z.infer<typeof configSchema>;

export interface BaselineResult {
  syncs: number;
  failures: string[];
  durationMs: number;
  /** Per sync, from its first call to its outcome Activity. */
  latenciesMs: number[];
  /** This process's peak resident set, as the kernel counted it. */
  peakRssMb: number;
  /** CPU time this process used while the clock ran. */
  cpuMs: number;
}

async function syncOnce(
  activities: ReturnType<typeof createSuperOfficeActivities> & ReturnType<typeof createOneflowActivities>,
  contractId: number,
): Promise<void> {
  const facts = await activities.fetchSignedContract(contractId);
  const plan = await activities.resolvePlan({ contractId, facts });
  if (plan.saleId === undefined) throw new Error(`contract ${contractId} links to no Sale`);
  const updates: Promise<ResourceResult>[] = [];
  if (plan.sale) updates.push(activities.updateSale(plan.sale));
  if (plan.company) updates.push(activities.updateCompany(plan.company));
  for (const contact of plan.contacts) updates.push(activities.updateContact(contact));
  if (plan.products) updates.push(activities.updateProducts(plan.products));
  const resources = [...plan.settled, ...(await Promise.all(updates))];
  await activities.recordOutcome({
    contractId,
    saleId: plan.saleId,
    companyId: plan.companyId,
    personIds: plan.personIds,
    resources,
    notes: plan.notes,
    nothingToSync: plan.nothingToSync,
    run: { workflowId: `baseline-${contractId}`, runId: 'baseline', trigger: 'webhook' },
  });
}

async function runBaseline(config: BaselineConfig): Promise<BaselineResult> {
  const logger = createLogger('silent');
  const mapping = parseMappingDocumentText(readFileSync(config.mappingFile, 'utf8'));
  if (!mapping.ok) throw new Error(`${config.mappingFile}: ${mapping.errors.join('; ')}`);
  // The same mapping store the service uses, so that reading the mapping costs the same.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-baseline-'));
  const mappingStore = await SqliteMappingStore.open(path.join(dir, 'settings.db'));
  await mappingStore.setMappingDocument(mapping.value);
  const superoffice = new SuperOfficeClient(config.superoffice);
  const activities = {
    ...createOneflowActivities({ oneflow: new OneflowClient(config.oneflow), logger }),
    ...createSuperOfficeActivities({ superoffice, mappingStore, logger }),
  };

  const failures: string[] = [];
  for (const id of config.contractIds.slice(0, config.warmUp)) {
    await syncOnce(activities, id).catch((err: Error) =>
      failures.push(`warm-up contract ${id}: ${err.message}`),
    );
  }
  const queue = config.contractIds.slice(config.warmUp);
  const latenciesMs: number[] = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: config.concurrency }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const t0 = performance.now();
        try {
          await syncOnce(activities, id);
          latenciesMs.push(performance.now() - t0);
        } catch (err) {
          failures.push(`contract ${id}: ${(err as Error).message}`);
        }
        process.send?.({ type: 'progress', done: config.warmUp + latenciesMs.length + failures.length });
      }
    }),
  );
  const durationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await mappingStore.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    syncs: latenciesMs.length,
    failures,
    durationMs,
    latenciesMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

type BaselineMessage =
  | { type: 'progress'; done: number }
  | { type: 'result'; result: BaselineResult }
  | { type: 'failed'; message: string };

/** Runs the baseline in a child process; `onProgress` gets the number of syncs done. */
export function runBaselineInChild(
  config: BaselineConfig,
  onProgress: (done: number) => void,
): Promise<BaselineResult & { pid: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_BASELINE: JSON.stringify(configSchema.parse(config)) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: BaselineMessage) => {
      if (m.type === 'progress') onProgress(m.done);
      else if (m.type === 'result') resolve({ ...m.result, pid: child.pid! });
      else reject(new Error(`the baseline failed: ${m.message}`));
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the baseline process exited with code ${code}`));
    });
  });
}

if (require.main === module) {
  const config = configSchema.parse(JSON.parse(process.env.BENCH_BASELINE ?? '{}'));
  runBaseline(config).then(
    (result) => {
      const message: BaselineMessage = { type: 'result', result };
      process.send?.(message, () => process.exit(0));
    },
    (err: Error) => {
      const message: BaselineMessage = { type: 'failed', message: err.stack ?? err.message };
      process.send?.(message, () => process.exit(1));
    },
  );
}
