import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { z } from 'zod';
import {
  createBackfillActivities,
  createOneflowActivities,
  createSuperOfficeActivities,
} from '../../src/activities';
import { createSigningSyncActivities } from '../../src/activities/signing-sync';
import { parseMappingDocumentText } from '../../src/config/mapping-document';
import { createLogger } from '../../src/logging/logger';
import { OneflowClient } from '../../src/oneflow/client';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { SuperOfficeClient } from '../../src/superoffice/client';
import { connectClient, connectWorker } from '../../src/temporal/connection';
import { TemporalSyncStarter } from '../../src/temporal/sync-starter';
import { startWorkers } from '../../src/temporal/workers';

/**
 * Smart Sync's workers and nothing else, in a process a reliability test can kill with
 * SIGKILL: the same workers, activities and clients the service starts, against the
 * Temporal server, namespace and task queue in RELIABILITY_WORKER (JSON). It tells its
 * parent over IPC when it polls.
 */

export const workerConfigSchema = z.strictObject({
  address: z.string(),
  namespace: z.string(),
  taskQueue: z.string(),
  oneflow: z.strictObject({ apiUrl: z.string(), apiToken: z.string(), userEmail: z.string() }),
  superoffice: z.strictObject({ apiUrl: z.string(), accessToken: z.string() }),
  oneflowActivitiesPerSecond: z.number().positive(),
});
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

async function main(): Promise<void> {
  const config = workerConfigSchema.parse(JSON.parse(process.env.RELIABILITY_WORKER ?? '{}'));
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    shutdownSignals: ['SIGTERM', 'SIGINT'],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }), forward: {} },
    },
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const mapping = parseMappingDocumentText(
    readFileSync(path.join(__dirname, '..', '..', 'config', 'demo-mapping.json'), 'utf8'),
  );
  if (!mapping.ok) throw new Error(mapping.errors.join('; '));
  const connection = await connectWorker({ address: config.address, namespace: config.namespace });
  // Backfill and reconciliation start syncs from activities, as the service's worker does.
  const { client, connection: clientConnection } = await connectClient({
    address: config.address,
    namespace: config.namespace,
  });
  const oneflow = new OneflowClient(config.oneflow);
  const starter = new TemporalSyncStarter({
    client,
    taskQueue: config.taskQueue,
    namespace: config.namespace,
    uiUrl: 'http://localhost:8233',
  });
  const workers = await startWorkers({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    activities: {
      ...createSuperOfficeActivities({
        superoffice: new SuperOfficeClient(config.superoffice),
        oneflow,
        mappingStore: new InMemoryMappingStore(mapping.value),
        logger,
      }),
      ...createBackfillActivities({ client }),
    },
    oneflowActivities: {
      ...createOneflowActivities({ oneflow, logger }),
      ...createSigningSyncActivities({ oneflow, starter, logger }),
    },
    oneflowActivitiesPerSecond: config.oneflowActivitiesPerSecond,
    logger,
  });
  process.send?.({ type: 'ready' });
  await workers.done;
  await clientConnection.close();
  await connection.close();
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
