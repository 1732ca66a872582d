/**
 * Records the workflow histories that test/workflows/replay-histories.test.ts replays
 * against today's workflow code (test/workflows/histories/<name>.json). Each history is a
 * real run of `smartSync` on a Temporal dev server, with the real workflow code and fake
 * activities (test/workflows/fake-activities.ts), exported as proto JSON (historyToJSON),
 * the format `temporal workflow show --output json` writes and historyFromJSON reads.
 *
 * The committed histories pin the workflow as RELEASED: runs of that code may still be
 * open in production, and a worker with new code must replay them. So:
 *
 * - A change that must not alter the workflow's commands: do not re-record. If the replay
 *   test fails, the change is not replay-safe; make it so or guard it with patched().
 * - A change on purpose, guarded with patched()/deprecatePatch(): keep the old histories
 *   (they prove the old branch still replays) and ADD ones recorded from the new code,
 *   with new names (e.g. `clean-sync.v2.json`: pass `--suffix .v2`).
 * - Old histories may be deleted only once no run of that code can still be open (the
 *   longest retry schedule has run out on every deployment) and the patch is removed.
 *
 * Record from a clean checkout of the commit whose workflow the histories should pin, so
 * that uncommitted edits cannot leak in:
 *
 *   git worktree add /tmp/released <commit>
 *   ln -s "$PWD/node_modules" /tmp/released/node_modules
 *   (cd /tmp/released && npx tsx scripts/record-workflow-histories.ts --out "$OLDPWD/test/workflows/histories")
 *   git worktree remove --force /tmp/released
 *
 * Options: scenario names to record only those (default: all; `--list` shows them),
 * `--queue` to record the per-contract queue (contractSyncs) instead,
 * `--backfill` to record a completed backfill (backfill.v1.json) instead,
 * `--reconcile` to record a completed reconciliation (reconcile.v1.json) instead,
 * `--out <dir>` (default test/workflows/histories next to this script), `--suffix <s>`.
 * The Temporal CLI is found as the service finds it (TEMPORAL_CLI_PATH, PATH, the Go bin
 * directory; never downloaded); the script starts its own in-memory dev server on a free
 * port, with our search attributes registered, and stops it at the end. About 10 s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { nonRetryable, toActivityFailure } from '../src/activities/failures';
import { ApiError } from '../src/http/api-error';
import { findTemporalCli } from '../src/temporal/cli-binary';
import { startDevServer } from '../src/temporal/dev-server';
import { workflowsPath } from '../src/temporal/workers';
import { createBackfillActivities } from '../src/activities';
import { backfill, contractSyncs, reconcileSignings, smartSync } from '../src/workflows';
import {
  CONTRACT_ID as DEMO_CONTRACT_ID,
  fakeActivities,
  resolvedPlan,
  type SyncActivities,
} from '../test/workflows/fake-activities';
import { fakeSigningSync, signingsEveryMinute } from '../test/workflows/fake-signing-sync';
import {
  CONTRACT_ID,
  contractSyncsWorkflowId,
  queueQuery,
  signingSignal,
  signingWorkflowId,
  OUTCOME,
  TRIGGER,
  oneflowTaskQueue,
  type SyncOutcome,
  type SmartSyncInput,
  type SmartSyncResult,
} from '../src/workflow-contract';

const EventType = temporal.api.enums.v1.EventType;

interface Scenario {
  name: string;
  description: string;
  activities?: Partial<SyncActivities>;
  steps?: SmartSyncInput['steps'];
  /** How the run must stand when its history is exported; anything else fails the recording. */
  expect:
    | { status: 'COMPLETED'; outcome: SyncOutcome }
    | { status: 'FAILED'; failureType: string }
    | { status: 'RUNNING'; ready: (handle: WorkflowHandle) => Promise<boolean> };
}

/** Quick retries, so that a scenario which exhausts them ends in well under a second. */
const QUICK = { initialIntervalMs: 100, maximumIntervalMs: 200, maximumAttempts: 2 };
const HOUR = 3_600_000;

const serverError = (call: string) =>
  new ApiError('superoffice', 'server_error', `${call} → 503 Service Unavailable`, {
    status: 503,
    method: call.split(' ')[0],
    path: call.split(' ')[1],
  });

const SCENARIOS: Scenario[] = [
  {
    name: 'clean-sync',
    description: 'every step succeeds: the Sale, Company, two Contacts and the Products are updated',
    expect: { status: 'COMPLETED', outcome: 'succeeded' },
  },
  {
    name: 'partial-failure',
    description: 'updateCompany fails non-retryably (NotFound); the other updates succeed',
    activities: {
      updateCompany: async () => {
        throw nonRetryable('NotFound', 'Company 101 (SuperOffice Contact 101) does not exist in SuperOffice');
      },
    },
    expect: { status: 'COMPLETED', outcome: 'partially_failed' },
  },
  {
    name: 'waiting-on-retry',
    description:
      'still RUNNING: updateCompany keeps failing with a retryable 503 and waits an hour for its next attempt',
    activities: {
      updateCompany: async () => {
        throw toActivityFailure(
          serverError('PATCH /Cust12345/api/v1/Contact/101'),
          'updating Company 101 (SuperOffice Contact 101)',
        );
      },
    },
    steps: { company: { initialIntervalMs: HOUR, maximumIntervalMs: HOUR } },
    expect: {
      status: 'RUNNING',
      // Exported once the first attempt has failed, every other update has completed and
      // the workflow task that saw them is done: the run now only waits for the retry.
      ready: async (handle) => {
        const { raw } = await handle.describe();
        const company = raw.pendingActivities?.find((a) => a.activityType?.name === 'updateCompany');
        if (!company || (company.attempt ?? 0) < 2) return false;
        const events = (await handle.fetchHistory()).events ?? [];
        const completed = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
        // fetch, event check (since 0.5), plan, sale, two contacts, products
        return (
          completed.length === 7 && events.at(-1)?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        );
      },
    },
  },
  {
    name: 'not-signed',
    description: 'fetchSignedContract fails with ContractNotSigned: nothing else runs',
    activities: {
      fetchSignedContract: async (input) => {
        const contractId = typeof input === 'number' ? input : input.contractId;
        throw nonRetryable(
          'ContractNotSigned',
          `contract ${contractId} is "pending" in Oneflow, not signed by all parties; nothing was written`,
        );
      },
    },
    expect: { status: 'COMPLETED', outcome: 'not_signed' },
  },
  {
    name: 'signing-not-found',
    description:
      'checkSigningEvent fails with SigningNotFound (a replayed webhook), the fetch beside it succeeds: not_signed (0.5)',
    activities: {
      checkSigningEvent: async ({ contractId, eventId }) => {
        throw nonRetryable(
          'SigningNotFound',
          `Oneflow has no event ${eventId} for contract ${contractId}; the webhook is not taken for a signing, and nothing was written`,
        );
      },
    },
    expect: { status: 'COMPLETED', outcome: 'not_signed' },
  },
  {
    name: 'fetch-failed',
    description:
      'fetchSignedContract fails retryably until its attempts run out: the workflow fails (FetchFailed)',
    activities: {
      fetchSignedContract: async (input) => {
        const contractId = typeof input === 'number' ? input : input.contractId;
        throw toActivityFailure(
          new ApiError('oneflow', 'server_error', `GET /v1/contracts/${contractId} → 502 Bad Gateway`, {
            status: 502,
          }),
          `fetching Oneflow contract ${contractId}`,
        );
      },
    },
    steps: { fetchContract: QUICK },
    expect: { status: 'FAILED', failureType: 'FetchFailed' },
  },
  {
    name: 'plan-failed',
    description:
      'resolvePlan fails (the linked Sale does not exist): nothing is written, no outcome recorded',
    activities: {
      resolvePlan: async () => {
        throw nonRetryable(
          'NotFound',
          'the contract links to Sale 2001, which does not exist in SuperOffice',
        );
      },
    },
    expect: { status: 'COMPLETED', outcome: 'failed' },
  },
  {
    name: 'plan-failed-recorded',
    description:
      'resolvePlan fails for good (403 on the field metadata) with the linked Sale known: a failure Activity is recorded on it (0.2)',
    activities: {
      resolvePlan: async () => {
        throw ApplicationFailure.create({
          type: 'Forbidden',
          nonRetryable: true,
          message: 'planning the sync: GET /Cust12345/api/v1/Sale/CustomField → 403 Forbidden',
          details: [{ saleId: 2001, companyId: 101, types: ['Sale', 'Company', 'Contact', 'Products'] }],
        });
      },
    },
    expect: { status: 'COMPLETED', outcome: 'failed' },
  },
  {
    name: 'nothing-to-sync',
    description: 'the plan links to no Sale and has nothing to sync: no update, no outcome recorded',
    activities: {
      resolvePlan: async () => ({
        contacts: [],
        settled: [],
        notes: [],
        personIds: [],
        nothingToSync: 'no mapping document is configured',
      }),
    },
    expect: { status: 'COMPLETED', outcome: 'nothing_to_sync' },
  },
  {
    name: 'outcome-not-recorded',
    description:
      'recordOutcome fails (Forbidden): the workflow decides the outcome from the resources itself',
    activities: {
      recordOutcome: async (input) => {
        throw toActivityFailure(
          new ApiError('superoffice', 'forbidden', 'POST /Cust12345/api/v1/Appointment → 403 Forbidden', {
            status: 403,
          }),
          `recording the outcome on Sale ${input.saleId}`,
        );
      },
    },
    expect: { status: 'COMPLETED', outcome: 'succeeded' },
  },
  {
    name: 'signed-pdf-and-quote-changes',
    description:
      'smartSync.markSaleSold, attachSignedPdf, addProducts and removeProducts on (0.3): the quote is written before the Sale, and the signed PDF is filed beside the updates',
    activities: {
      resolvePlan: async () => {
        const plan = resolvedPlan();
        return {
          ...plan,
          ...(plan.products
            ? {
                products: {
                  ...plan.products,
                  additions: [
                    {
                      name: 'Monitor arm',
                      erpProductKey: 'ARM-04',
                      changes: { Quantity: 2, UnitListPrice: 300 },
                      changedFields: ['Quantity', 'UnitListPrice'],
                      display: 'added to the quote: quantity 2, unit price 300',
                      source: 'Oneflow product "ARM-04"',
                    },
                  ],
                  removals: [{ quoteLineId: 7303, name: 'Desk lamp' }],
                  knownLineIds: [7301, 7302, 7303],
                },
              }
            : {}),
          signedPdf: {
            contractId: DEMO_CONTRACT_ID,
            saleId: plan.saleId ?? 2001,
            companyId: plan.companyId,
            personId: plan.personIds[0],
            documentTemplateId: 3,
            marker: `[Smart sync] Signed PDF of Oneflow contract ${DEMO_CONTRACT_ID}, signed 2026-12-01T10:00:00Z`,
            maxBytes: 25 * 1024 * 1024,
            date: '2026-12-01T10:00:00Z',
          },
        };
      },
    },
    expect: { status: 'COMPLETED', outcome: 'succeeded' },
  },
];

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `body` while workers serve both task queues (the workflow and SuperOffice; Oneflow), as in production. */
async function withWorkers(
  env: TestWorkflowEnvironment,
  workflowBundle: { code: string },
  activities: { superofficeActivities: object; oneflowActivities: object },
  taskQueue: string,
  body: () => Promise<void>,
): Promise<void> {
  const common = { connection: env.nativeConnection, namespace: env.namespace ?? 'default' };
  const main = await Worker.create({
    ...common,
    taskQueue,
    workflowBundle,
    activities: activities.superofficeActivities,
  });
  const oneflow = await Worker.create({
    ...common,
    taskQueue: oneflowTaskQueue(taskQueue),
    activities: activities.oneflowActivities,
  });
  await main.runUntil(oneflow.runUntil(body()));
}

async function record(
  env: TestWorkflowEnvironment,
  workflowBundle: { code: string },
  scenario: Scenario,
  outFile: string,
): Promise<void> {
  const fakes = fakeActivities(scenario.activities);
  // A queue of its own per scenario: an open run's retry can never reach another scenario's worker.
  const taskQueue = `smart-sync-${scenario.name}`;

  const input: SmartSyncInput = {
    contractId: DEMO_CONTRACT_ID,
    trigger: 'webhook',
    eventId: 4242,
    callbackId: 'a1b2c3d4',
    ...(scenario.steps ? { steps: scenario.steps } : {}),
  };
  const run = async () => {
    // Started as TemporalSyncStarter starts a run, with the same search attributes.
    const handle = await env.client.workflow.start(smartSync, {
      workflowId: `history-${scenario.name}`,
      taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: CONTRACT_ID, value: input.contractId },
        { key: TRIGGER, value: input.trigger },
        { key: OUTCOME, value: 'running' },
      ],
      staticSummary: `Smart Sync of Oneflow contract ${input.contractId} (${input.trigger})`,
    });
    const expected = scenario.expect;
    if (expected.status === 'RUNNING') {
      await waitFor(`${scenario.name} is ready to export`, () => expected.ready(handle));
    } else {
      const outcome = await handle.result().then(
        (result: SmartSyncResult) => ({ result }),
        (error: unknown) => ({ error }),
      );
      if (expected.status === 'COMPLETED') {
        if (!('result' in outcome) || outcome.result.outcome !== expected.outcome) {
          throw new Error(`${scenario.name}: expected outcome ${expected.outcome}, got ${describe(outcome)}`);
        }
      } else {
        const cause = 'error' in outcome ? (outcome.error as { cause?: unknown }).cause : undefined;
        if (!(cause instanceof ApplicationFailure) || cause.type !== expected.failureType) {
          throw new Error(
            `${scenario.name}: expected a ${expected.failureType} failure, got ${describe(outcome)}`,
          );
        }
      }
    }
    const { status } = await handle.describe();
    if (status.name !== expected.status) {
      throw new Error(`${scenario.name}: the run is ${status.name}, expected ${expected.status}`);
    }
    const json = historyToJSON(await handle.fetchHistory());
    // Pretty-printed as the repository's Prettier settings want it, so that `npm run lint` passes.
    const options = { ...(await resolveConfig(outFile)), filepath: outFile };
    writeFileSync(outFile, await format(json, options));
    if (expected.status === 'RUNNING') await handle.terminate('history recorded');
  };
  await withWorkers(env, workflowBundle, fakes, taskQueue, run);
}

/**
 * The queue of one contract (contractSyncs) after two signings: both children have run,
 * one after the other, and the queue waits on its idle timer. Exported while it waits.
 */
async function recordQueue(
  env: TestWorkflowEnvironment,
  workflowBundle: { code: string },
  outFile: string,
): Promise<void> {
  const fakes = fakeActivities();
  const taskQueue = 'smart-sync-contract-queue';
  const signing = (eventId: number) => ({
    workflowId: signingWorkflowId(DEMO_CONTRACT_ID, eventId),
    trigger: 'webhook' as const,
    eventId,
    callbackId: `cb-${eventId}`,
  });
  const run = async () => {
    const handle = await env.client.workflow.signalWithStart(contractSyncs, {
      workflowId: contractSyncsWorkflowId(DEMO_CONTRACT_ID),
      taskQueue,
      args: [{ contractId: DEMO_CONTRACT_ID }],
      signal: signingSignal,
      signalArgs: [signing(4242)],
      typedSearchAttributes: [{ key: CONTRACT_ID, value: DEMO_CONTRACT_ID }],
    });
    await handle.signal(signingSignal, signing(4243));
    await handle.signal(signingSignal, signing(4242));
    await waitFor('both runs ended and the queue is idle', async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const closed = events.filter(
        (e) => e.eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
      ).length;
      const idle = await handle.query(queueQuery);
      return (
        closed === 2 &&
        idle.active === undefined &&
        idle.pending.length === 0 &&
        // The idle timer is the last command: the queue now only waits.
        events.at(-1)?.eventType === EventType.EVENT_TYPE_TIMER_STARTED
      );
    });
    const options = { ...(await resolveConfig(outFile)), filepath: outFile };
    writeFileSync(outFile, await format(historyToJSON(await handle.fetchHistory()), options));
    await handle.terminate('history recorded');
  };
  await withWorkers(env, workflowBundle, fakes, taskQueue, run);
}

/**
 * A backfill (0.3) of six signings in two pages, two syncs at a time: four started (real
 * smartSync runs, as the contract's queue would start them), one already synced, one no
 * longer signed. Exported once it completed.
 */
async function recordBackfill(
  env: TestWorkflowEnvironment,
  workflowBundle: { code: string },
  outFile: string,
): Promise<void> {
  const fakes = fakeActivities();
  const taskQueue = 'smart-sync-backfill';
  const signings = signingsEveryMinute(6, DEMO_CONTRACT_ID, '2026-11-20T12:00:00.000Z');
  signings[1]!.kind = 'already-synced';
  signings[4]!.kind = 'reset';
  const signing = fakeSigningSync({ signings, client: env.client, taskQueue });
  const activities = {
    superofficeActivities: {
      ...fakes.superofficeActivities,
      ...createBackfillActivities({ client: env.client, pollMs: 50 }),
    },
    oneflowActivities: { ...fakes.oneflowActivities, ...signing.activities },
  };
  const run = async () => {
    const handle = await env.client.workflow.start(backfill, {
      workflowId: `history-${path.basename(outFile, '.json')}`,
      taskQueue,
      args: [
        {
          signedSince: '2026-11-01T00:00:00.000Z',
          signedUntil: '2026-12-01T00:00:00.000Z',
          dryRun: false,
          maxInFlight: 2,
          pageSize: 3,
        },
      ],
      typedSearchAttributes: [{ key: TRIGGER, value: 'backfill' }],
    });
    const result = await handle.result();
    if (result.counts.started !== 4 || result.counts.finished !== 4) {
      throw new Error(`backfill: expected 4 syncs started and ended, got ${JSON.stringify(result.counts)}`);
    }
    const options = { ...(await resolveConfig(outFile)), filepath: outFile };
    writeFileSync(outFile, await format(historyToJSON(await handle.fetchHistory()), options));
  };
  await withWorkers(env, workflowBundle, activities, taskQueue, run);
}

/**
 * A reconciliation (0.3) over four signings of the last minutes, in two pages: two started
 * (real smartSync runs, as the contract's queue would start them), one already synced, one
 * no longer signed. Exported once it completed.
 */
async function recordReconcile(
  env: TestWorkflowEnvironment,
  workflowBundle: { code: string },
  outFile: string,
): Promise<void> {
  const fakes = fakeActivities();
  const taskQueue = 'smart-sync-reconcile';
  // The window ends at the run's start, so the signings are of the last few minutes.
  const signings = signingsEveryMinute(4, DEMO_CONTRACT_ID, new Date(Date.now() - 60_000).toISOString());
  signings[1]!.kind = 'already-synced';
  signings[3]!.kind = 'reset';
  const signing = fakeSigningSync({ signings, client: env.client, taskQueue });
  const activities = {
    superofficeActivities: fakes.superofficeActivities,
    oneflowActivities: { ...fakes.oneflowActivities, ...signing.activities },
  };
  const run = async () => {
    const handle = await env.client.workflow.start(reconcileSignings, {
      workflowId: `history-${path.basename(outFile, '.json')}`,
      taskQueue,
      args: [{ windowMs: 26 * HOUR, pageSize: 2 }],
    });
    const result = await handle.result();
    if (result.counts.started !== 2 || result.pages !== 2) {
      throw new Error(`reconcile: expected 2 syncs started over 2 pages, got ${JSON.stringify(result)}`);
    }
    const options = { ...(await resolveConfig(outFile)), filepath: outFile };
    writeFileSync(outFile, await format(historyToJSON(await handle.fetchHistory()), options));
  };
  await withWorkers(env, workflowBundle, activities, taskQueue, run);
}

function describe(outcome: { result: SmartSyncResult } | { error: unknown }): string {
  if ('result' in outcome) return `outcome ${outcome.result.outcome}`;
  const err = outcome.error as Error & { cause?: Error & { type?: string } };
  return `${err.name}: ${err.message}${err.cause ? ` (cause ${err.cause.type ?? err.cause.name}: ${err.cause.message})` : ''}`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      suffix: { type: 'string', default: '' },
      list: { type: 'boolean', default: false },
      queue: { type: 'boolean', default: false },
      backfill: { type: 'boolean', default: false },
      reconcile: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(22)} ${s.description}\n`);
    return;
  }
  const unknown = positionals.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (see --list)`);
  const chosen = positionals.length > 0 ? SCENARIOS.filter((s) => positionals.includes(s.name)) : SCENARIOS;
  const outDir = path.resolve(values.out ?? path.join(__dirname, '..', 'test', 'workflows', 'histories'));
  mkdirSync(outDir, { recursive: true });

  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = await findTemporalCli({ obtain: false });
  const server = await startDevServer({ cliPath: cli.path, port: 0, startTimeoutMs: 120_000 });
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: server.address,
    namespace: server.namespace,
  });
  try {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      logger: new DefaultLogger('ERROR'),
    });
    if (values.backfill) {
      const file = path.join(outDir, `backfill${values.suffix || '.v1'}.json`);
      const started = Date.now();
      await recordBackfill(env, workflowBundle, file);
      process.stdout.write(
        `${path.relative(process.cwd(), file)}  (${Date.now() - started} ms)  a completed backfill of six signings\n`,
      );
      return;
    }
    if (values.reconcile) {
      const file = path.join(outDir, `reconcile${values.suffix || '.v1'}.json`);
      const started = Date.now();
      await recordReconcile(env, workflowBundle, file);
      process.stdout.write(
        `${path.relative(process.cwd(), file)}  (${Date.now() - started} ms)  a completed reconciliation of four signings\n`,
      );
      return;
    }
    if (values.queue) {
      const file = path.join(outDir, `contract-queue${values.suffix}.json`);
      const started = Date.now();
      await recordQueue(env, workflowBundle, file);
      process.stdout.write(
        `${path.relative(process.cwd(), file)}  (${Date.now() - started} ms)  contractSyncs after two signings and a redelivery\n`,
      );
      return;
    }
    for (const scenario of chosen) {
      const file = path.join(outDir, `${scenario.name}${values.suffix}.json`);
      const started = Date.now();
      await record(env, workflowBundle, scenario, file);
      process.stdout.write(
        `${path.relative(process.cwd(), file)}  (${Date.now() - started} ms)  ${scenario.description}\n`,
      );
    }
  } finally {
    await env.teardown();
    await server.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
