import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnvironment } from '../../src/config/env';
import { createLogger } from '../../src/logging/logger';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { type RunningService, startService } from '../../src/runtime/service';
import { connectClient, TemporalUnreachableError } from '../../src/temporal/connection';
import { SearchAttributesMissingError } from '../../src/temporal/ensure-search-attributes';
import { SEARCH_ATTRIBUTE_KEYS, type SmartSyncResult } from '../../src/workflow-contract';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { demoMappingDocument, FAST_STEPS } from '../support/sync-stack';
import { startTlsGrpcProxy, type TlsGrpcProxy } from '../support/tls-grpc-proxy';

/**
 * Temporal Cloud and TLS clusters are reached through the SDK's own variables and nothing
 * of ours: TEMPORAL_ADDRESS, TEMPORAL_API_KEY, TEMPORAL_TLS_SERVER_CA_CERT_PATH and
 * TEMPORAL_TLS_SERVER_NAME, read by @temporalio/envconfig. A TLS proxy that wants the key
 * stands in front of the test run's dev server; a whole sync goes through it, the client's
 * calls and the worker's polls alike.
 */
jest.setTimeout(90_000);

const API_KEY = `test-api-key-${randomUUID()}`;
let proxy: TlsGrpcProxy;
let namespace: string;
let service: RunningService | undefined;

function environmentFor(vars: Record<string, string>) {
  return {
    ...loadEnvironment({
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: `tls-${randomUUID()}`,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: proxy.caFile,
      TEMPORAL_TLS_SERVER_NAME: proxy.serverName,
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-tls-')),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...vars,
    }),
    port: 0,
  };
}

beforeAll(async () => {
  proxy = await startTlsGrpcProxy(testTemporalTarget().address, API_KEY);
  namespace = await createTestNamespace();
});

afterAll(async () => {
  await service?.stop();
  await proxy?.close();
});

it('syncs a signed contract with the client and the workers connected over TLS with an API key', async () => {
  const environment = environmentFor({ TEMPORAL_API_KEY: API_KEY });
  expect(environment.temporal.connection.apiKey).toBe(API_KEY);
  service = await startService(environment, createLogger(environment.logLevel), {
    demoPorts: { oneflow: 0, superoffice: 0 },
    steps: FAST_STEPS,
    webhookRetryScale: 0.001,
    mappingStore: new InMemoryMappingStore(demoMappingDocument()),
  });
  service.demo!.oneflowEmulator.sign(9001);
  await service.demo!.oneflowEmulator.settled();
  let workflowId: string | undefined;
  for (let i = 0; i < 100 && !workflowId; i++) {
    for await (const wf of service.client.workflow.list({
      query: `WorkflowType = 'smartSync' AND SmartSyncContractId = 9001`,
    })) {
      workflowId = wf.workflowId;
    }
    if (!workflowId) await new Promise((r) => setTimeout(r, 100));
  }
  expect(workflowId).toBeDefined();
  const result = (await service.client.workflow.getHandle(workflowId!).result()) as SmartSyncResult;
  expect(result.outcome).toBe('succeeded');

  // Every call went through the proxy with the key: the start-up checks, the webhook's
  // start, and the workers' polls and completions (the worker's own, native connection).
  expect(proxy.refused()).toBe(0);
  const methods = [...proxy.forwarded.keys()].map((m) => m.split('/').at(-1));
  expect(methods).toEqual(
    expect.arrayContaining([
      'GetSystemInfo',
      'ListSearchAttributes',
      'PollWorkflowTaskQueue',
      'RespondWorkflowTaskCompleted',
      'PollActivityTaskQueue',
      'RespondActivityTaskCompleted',
    ]),
  );
  expect(
    methods.some((m) => m === 'SignalWithStartWorkflowExecution' || m === 'StartWorkflowExecution'),
  ).toBe(true);
  // Two connections: the client's (Node) and the workers' (the SDK's native core).
  expect(proxy.userAgents.size).toBeGreaterThanOrEqual(2);
});

it('refuses to start without the API key, saying that the server refused it', async () => {
  const environment = environmentFor({ TEMPORAL_TLS: 'true' });
  const refusedBefore = proxy.refused();
  const err = await connectClient(
    {
      address: environment.temporal.address!,
      namespace,
      connection: environment.temporal.connection,
    },
    { fromEnv: true, connectTimeoutMs: 5_000 },
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemporalUnreachableError);
  expect((err as Error).message).toContain('UNAUTHENTICATED');
  expect((err as Error).message).toContain('TEMPORAL_API_KEY');
  expect(proxy.refused()).toBeGreaterThan(refusedBefore);
});

it('refuses a server whose certificate the configured CA did not sign', async () => {
  const environment = environmentFor({
    TEMPORAL_API_KEY: API_KEY,
    // The server's own certificate is not a CA: nothing it names as issuer is trusted.
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(path.dirname(proxy.caFile), 'server.pem'),
  });
  const err = await connectClient(
    { address: environment.temporal.address!, namespace, connection: environment.temporal.connection },
    { fromEnv: true, connectTimeoutMs: 5_000 },
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemporalUnreachableError);
  expect((err as Error).message).toContain(`TEMPORAL_ADDRESS=${proxy.address}`);
});

it('stops at start-up with the commands to run where the key may not register search attributes', async () => {
  const locked = await startTlsGrpcProxy(testTemporalTarget().address, API_KEY, {
    deny: (method) => method === 'ListSearchAttributes' || method === 'AddSearchAttributes',
  });
  try {
    const lockedNamespace = await createTestNamespace();
    const environment = environmentFor({
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_ADDRESS: locked.address,
      TEMPORAL_NAMESPACE: lockedNamespace,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: locked.caFile,
    });
    const err = await startService(environment, createLogger(environment.logLevel), {
      demoPorts: { oneflow: 0, superoffice: 0 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SearchAttributesMissingError);
    expect((err as Error).message).toContain('PERMISSION_DENIED');
    for (const key of SEARCH_ATTRIBUTE_KEYS) {
      expect((err as Error).message).toContain(
        `temporal operator search-attribute create --namespace ${lockedNamespace} --name ${key.name} --type ${key.type === 'INT' ? 'Int' : 'Keyword'}`,
      );
    }
  } finally {
    await locked.close();
  }
});
