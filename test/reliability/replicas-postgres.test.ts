import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import type { MappingDocument } from '../../src/config/mapping-document';
import { DEMO_ONEFLOW_TOKEN, DEMO_ONEFLOW_USER_EMAIL } from '../../src/emulators/oneflow';
import { DEMO_SUPEROFFICE_TOKEN } from '../../src/emulators/superoffice';
import { PostgresMappingStore } from '../../src/mapping-store/postgres-mapping-store';
import { connectClient } from '../../src/temporal/connection';
import { freePort } from '../../src/temporal/dev-server';
import { createTestDatabase } from '../support/postgres-server';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy';
import { demoMappingDocument } from '../support/sync-stack';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import {
  ADMIN,
  ADMIN_TOKEN,
  type Emulators,
  problemsWithAll,
  report,
  SIGN_KEY,
  startEmulators,
  stepOptions,
  waitForOutcomes,
} from './harness';

/**
 * The scale-out deployment for real: two `smart-sync api` and two `smart-sync worker`
 * processes against one Temporal server, sharing their settings in one PostgreSQL database
 * (DATABASE_URL), the webhooks spread over both apis by a load balancer. In the middle of
 * the batch one worker is SIGKILLed and the other SIGTERMed (it drains); replacements take
 * over, and every contract is still synced once with the right values. A mapping saved through one api governs the next runs of both workers, which had
 * read the old one; and two admins saving with the same If-Match on the two apis: one wins.
 */
jest.setTimeout(300_000);

const CONTRACTS = 16;
const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'smart-sync.ts');

interface Proc {
  role: 'api' | 'worker';
  port: number;
  child: ChildProcess;
  output: () => string;
}

const procs: Proc[] = [];
let emulators: Emulators;
let balancer: RoundRobinProxy;
let client: Client;
let connection: Connection;

function spawnRole(role: 'api' | 'worker', port: number, env: Record<string, string>): Proc {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', cli, role], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...env,
      ...(role === 'api' ? { PORT: String(port) } : { SMART_SYNC_WORKER_HEALTH_PORT: String(port) }),
      // Each its own data folder, as two containers have: only DATABASE_URL is shared.
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), `smart-sync-${role}-`)),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const proc = { role, port, child, output: () => output };
  procs.push(proc);
  return proc;
}

async function untilReady(proc: Proc): Promise<void> {
  for (let i = 0; ; i++) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.role} exited:\n${proc.output()}`);
    const ready = await fetch(`http://127.0.0.1:${proc.port}/readyz`).catch(() => null);
    if (ready?.status === 200) return;
    if (i > 600) throw new Error(`${proc.role} not ready:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function kill(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill(signal);
  await exited;
}

async function config(api: Proc): Promise<{ doc: MappingDocument; etag: string }> {
  const res = await fetch(`http://127.0.0.1:${api.port}/api/config`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return { doc: (await res.json()) as MappingDocument, etag: res.headers.get('etag')! };
}

function putConfig(api: Proc, doc: MappingDocument, ifMatch: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${api.port}/api/config`, {
    method: 'PUT',
    headers: { ...ADMIN, 'Content-Type': 'application/json', 'If-Match': ifMatch },
    body: JSON.stringify(doc),
  });
}

/** The worker identities (pid@host) that ran a run's resolvePlan activity, from its history. */
async function resolvePlanWorkers(workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const scheduled = new Map<string, string>();
  const identities: string[] = [];
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
    const started = e.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId)) === 'resolvePlan') {
      identities.push(started.identity ?? '');
    }
  }
  return identities;
}

afterAll(async () => {
  await Promise.all(procs.map((p) => kill(p, 'SIGKILL')));
  await balancer?.close();
  await connection?.close();
  await emulators?.close();
});

it('two apis and two workers on one PostgreSQL settings store: every sync once, mappings and If-Match shared', async () => {
  emulators = await startEmulators(CONTRACTS);
  // Each SuperOffice call takes a moment, so that the kill finds syncs half-done.
  emulators.superoffice.control.addFault({ path: '**', latencyMs: 40 });
  const target = { address: testTemporalTarget().address, namespace: await createTestNamespace() };
  ({ client, connection } = await connectClient(target));
  const databaseUrl = await createTestDatabase();
  // The mapping document is in the shared store before any process starts.
  const seed = await PostgresMappingStore.open(databaseUrl);
  await seed.setMappingDocument(demoMappingDocument(), { source: 'test' });
  await seed.close();

  const env = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: target.address,
    TEMPORAL_NAMESPACE: target.namespace,
    TEMPORAL_TASK_QUEUE: `replicas-${randomUUID()}`,
    ONEFLOW_API_URL: emulators.oneflow.apiUrl,
    ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
    ONEFLOW_USER_EMAIL: DEMO_ONEFLOW_USER_EMAIL,
    ONEFLOW_WEBHOOK_SIGN_KEY: SIGN_KEY,
    SUPEROFFICE_API_URL: emulators.superoffice.apiUrl,
    SUPEROFFICE_ACCESS_TOKEN: DEMO_SUPEROFFICE_TOKEN,
    SMART_SYNC_ADMIN_TOKEN: ADMIN_TOKEN,
    // A call cut off by the kill is retried once its 5 s start-to-close timeout passes.
    SMART_SYNC_RETRY_POLICIES: JSON.stringify(
      stepOptions({ startToCloseTimeoutMs: 5_000, initialIntervalMs: 100, maximumIntervalMs: 1_000 }),
    ),
    LOG_LEVEL: 'warn',
  };
  // The first api registers the search attributes; then the others start side by side.
  const api1 = spawnRole('api', await freePort(), { ...env, LOG_LEVEL: 'info' });
  await untilReady(api1);
  const api2 = spawnRole('api', await freePort(), env);
  const workerA = spawnRole('worker', await freePort(), env);
  const workerB = spawnRole('worker', await freePort(), env);
  await Promise.all([untilReady(api2), untilReady(workerA), untilReady(workerB)]);
  expect(api1.output()).toMatch(/mapping store: PostgreSQL postgres:\/\/postgres@127\.0\.0\.1/);

  // 1. Two admins, one on each api, save with the same If-Match: one wins, one 412.
  const loaded = await config(api2);
  expect((await config(api1)).etag).toBe(loaded.etag);
  const edits = [api1, api2].map((api, i) => {
    const doc = structuredClone(loaded.doc);
    doc.mappings = doc.mappings.filter((_, j) => j !== i + 1);
    return putConfig(api, doc, loaded.etag);
  });
  const statuses = (await Promise.all(edits)).map((r) => r.status);
  expect([...statuses].sort()).toEqual([200, 412]);
  // The winner's document is what both apis serve now; put the original back for the batch.
  const afterRace = await config(api1);
  expect((await config(api2)).etag).toBe(afterRace.etag);
  expect(afterRace.doc.mappings).toHaveLength(loaded.doc.mappings.length - 1);
  expect((await putConfig(api2, loaded.doc, afterRace.etag)).status).toBe(200);

  // 2. The batch: webhooks spread over both apis; worker A is SIGKILLed mid-batch.
  balancer = await startRoundRobinProxy([api1, api2].map((a) => `http://127.0.0.1:${a.port}`));
  emulators.oneflow.emulator.configureWebhook({ url: `${balancer.url}/webhooks/oneflow` });
  for (const c of emulators.contracts) emulators.oneflow.sign(c.contractId);
  await emulators.oneflow.settled();
  expect(balancer.counts().every((n) => n >= CONTRACTS / 2 - 1)).toBe(true);

  let doneAtKill = 0;
  let workerBExit: Promise<number | null> | undefined;
  const diagnose = () => procs.map((p) => `${p.role} ${p.child.pid}:\n${p.output()}`).join('\n');
  await waitForOutcomes(emulators, {
    timeoutMs: 60_000,
    diagnose,
    onProgress: async (done) => {
      if (doneAtKill || done < 3) return;
      if (emulators.superoffice.control.requests().every((r) => r.status !== null)) return;
      doneAtKill = done;
      // At the same moment: A is killed outright, B is asked to stop (a rollout) and drains.
      const drained = new Promise<number | null>((r) => workerB.child.once('exit', (code) => r(code)));
      workerB.child.kill('SIGTERM');
      await kill(workerA, 'SIGKILL');
      workerBExit = drained;
      throw new Error('killed');
    },
  }).catch((err: Error) => {
    if (err.message !== 'killed') throw err;
  });
  expect(doneAtKill).toBeGreaterThan(0);
  expect(doneAtKill).toBeLessThan(CONTRACTS);
  // B finishes what it had and exits 0; replacements for both join.
  expect(await workerBExit).toBe(0);
  const workerA2 = spawnRole('worker', await freePort(), env);
  const workerB2 = spawnRole('worker', await freePort(), env);
  await Promise.all([untilReady(workerA2), untilReady(workerB2)]);
  await waitForOutcomes(emulators, { timeoutMs: 120_000, diagnose });
  await new Promise((r) => setTimeout(r, 2_000));
  expect(problemsWithAll(emulators)).toEqual([]);
  const runIds = new Map<number, string>();
  for (const c of emulators.contracts) {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({
      query: `WorkflowType = 'smartSync' AND SmartSyncContractId = ${c.contractId}`,
    })) {
      ids.push(wf.workflowId);
    }
    expect(ids).toHaveLength(1);
    runIds.set(c.contractId, ids[0]!);
    expect((await client.workflow.getHandle(ids[0]!).result()).outcome).toBe('succeeded');
  }
  const activities = emulators.superoffice.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path.endsWith('/Appointment')).length;

  // 3. A mapping saved through api 1 governs the next runs of both workers (which read the
  // old one during the batch): the Sale's Number now comes from customer_reference.
  const current = await config(api1);
  const changed = structuredClone(current.doc);
  changed.mappings = changed.mappings.map((m) =>
    m.object === 'Sale' && m.property === 'Number' ? { ...m, dataField: 'customer_reference' } : m,
  ) as MappingDocument['mappings'];
  expect((await putConfig(api1, changed, current.etag)).status).toBe(200);
  const savedAt = Date.now();
  const resyncs = await Promise.all(
    emulators.contracts.map(async (c, i) => {
      const api = i % 2 === 0 ? api2 : api1;
      const res = await fetch(`http://127.0.0.1:${api.port}/api/contracts/${c.contractId}/resync`, {
        method: 'POST',
        headers: ADMIN,
      });
      expect(res.status).toBeLessThan(300);
      return ((await res.json()) as { workflowId: string }).workflowId;
    }),
  );
  await Promise.all(resyncs.map((id) => client.workflow.getHandle(id).result()));
  const seconds = ((Date.now() - savedAt) / 1000).toFixed(1);
  // The sales' Number is now the customer reference (Bench ref <i>), not the PO number.
  expect(
    emulators.contracts.map((c) => emulators.superoffice.store.entity('Sale', c.saleId)?.doc.Number),
  ).toEqual(emulators.contracts.map((c) => `Bench ref ${c.poNumber.replace('PO-BENCH-', '')}`));
  const ranBy = (await Promise.all(resyncs.map(resolvePlanWorkers))).flat();
  const identities = new Set(ranBy.map((id) => id.split('@')[0]));
  const pids = [workerA2, workerB2].map((w) => String(w.child.pid));
  for (const id of identities) expect(pids).toContain(id);
  // Both workers took part (16 runs started at once on two polling workers).
  expect(identities.size).toBe(2);

  report(
    'replicas on PostgreSQL',
    `2 apis (webhooks ${balancer.counts().join(' + ')}), 2 workers, one SIGKILLed and one SIGTERMed (drained, exit 0) with ${doneAtKill} of ${CONTRACTS} done: ` +
      `${CONTRACTS} runs, all succeeded once, ${activities} Activities, values right; If-Match race on both apis: ${statuses.join(' / ')}; ` +
      `a mapping saved through one api governed all ${resyncs.length} next runs on both workers (done ${seconds} s after the save)`,
  );
});
