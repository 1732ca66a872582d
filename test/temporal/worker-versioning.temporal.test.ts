import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnvironment } from '../../src/config/env';
import { createLogger } from '../../src/logging/logger';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { type RunningService, startService } from '../../src/runtime/service';
import type { SmartSyncResult } from '../../src/workflow-contract';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { demoMappingDocument, FAST_STEPS } from '../support/sync-stack';

/**
 * Worker Deployment versioning, switched on by TEMPORAL_DEPLOYMENT_NAME as Temporal's Worker
 * Controller sets it: the workers poll as version <deployment>.<bundle build id>, a run
 * started before that version is current waits, and once it is made current (what
 * `temporal worker deployment set-current-version` does) the run completes on it.
 */
jest.setTimeout(90_000);

let service: RunningService | undefined;

afterAll(async () => {
  await service?.stop();
});

it('runs a sync on the versioned workers once their version is current', async () => {
  const deploymentName = `smart-sync-${randomUUID().slice(0, 8)}`;
  const namespace = await createTestNamespace();
  const environment = {
    ...loadEnvironment({
      TEMPORAL_ADDRESS: testTemporalTarget().address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: `versioned-${randomUUID()}`,
      TEMPORAL_DEPLOYMENT_NAME: deploymentName,
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-versioned-')),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    }),
    port: 0,
  };
  expect(environment.temporal.versioning).toEqual({ deploymentName, behavior: 'AUTO_UPGRADE' });
  service = await startService(environment, createLogger(environment.logLevel), {
    demoPorts: { oneflow: 0, superoffice: 0 },
    steps: FAST_STEPS,
    webhookRetryScale: 0.001,
    mappingStore: new InMemoryMappingStore(demoMappingDocument()),
  });
  const buildId = service.workers.buildId;
  const { workflowService } = service.client.connection;

  service.demo!.oneflowEmulator.sign(9001);
  await service.demo!.oneflowEmulator.settled();
  // The webhook's run (the contract's queue) exists, but no version is current yet: it
  // waits for its first workflow task.
  const firstRun = async () => {
    for await (const wf of service!.client.workflow.list()) return wf.workflowId;
    return undefined;
  };
  let queueId: string | undefined;
  for (let i = 0; i < 100 && !queueId; i++) {
    queueId = await firstRun();
    if (!queueId) await new Promise((r) => setTimeout(r, 100));
  }
  expect(queueId).toBeDefined();
  await new Promise((r) => setTimeout(r, 1_000));
  const waiting = await service.client.workflow.getHandle(queueId!).fetchHistory();
  expect(waiting.events?.some((e) => e.workflowTaskCompletedEventAttributes)).toBe(false);

  // The server learns of the version from the workers' polls.
  for (let i = 0; ; i++) {
    try {
      await workflowService.setWorkerDeploymentCurrentVersion({ namespace, deploymentName, buildId });
      break;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  let workflowId: string | undefined;
  for (let i = 0; i < 200 && !workflowId; i++) {
    for await (const wf of service.client.workflow.list({
      query: `WorkflowType = 'smartSync' AND SmartSyncContractId = 9001`,
    })) {
      workflowId = wf.workflowId;
    }
    if (!workflowId) await new Promise((r) => setTimeout(r, 100));
  }
  expect(workflowId).toBeDefined();
  const handle = service.client.workflow.getHandle(workflowId!);
  const result = (await handle.result()) as SmartSyncResult;
  expect(result.outcome).toBe('succeeded');
  const described = await handle.describe();
  expect(described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion).toMatchObject({
    deploymentName,
    buildId,
  });
});
