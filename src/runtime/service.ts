import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { type Client, type Connection } from '@temporalio/client';
import type { Settings } from '../config/env';
import { type MappingDocument, parseMappingDocumentText } from '../config/mapping-document';
import type { Logger } from '../logging/logger';
import { OneflowClient } from '../oneflow/client';
import { SuperOfficeClient } from '../superoffice/client';
import { createApp } from '../server/app';
import type { SettingsStore } from '../settings/settings-store';
import { SqliteSettingsStore } from '../settings/sqlite-settings-store';
import { seedMappingDocument } from '../settings/seed-mapping-document';
import { describeCliSource, findTemporalCli } from '../temporal/cli-binary';
import { connectClient, connectWorker, isTemporalReachable } from '../temporal/connection';
import { freePort, type RunningDevServer, startDevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes';
import { type RunningWorkers, startWorkers } from '../temporal/workers';
import { installTemporalRuntime } from '../temporal/runtime-logger';
import { createOneflowActivities, createSuperOfficeActivities } from '../activities';
import { type DemoEnvironment, startDemoEnvironment } from './demo-environment';
import { webhookRouter } from '../server/webhooks';
import { createMetrics, metricsRouter } from '../server/metrics';
import { adminRouter } from '../server/admin-api';
import { settingsPageRouter } from '../server/settings-page/settings-page-router';
import { TemporalSyncStarter } from '../temporal/sync-starter';
import type { SmartSyncInput } from '../workflows/sync-types';

/** The mapping document the demo runs with when SMART_SYNC_CONFIG names none. */
export const DEMO_MAPPING_PATH = path.join(__dirname, '..', '..', 'config', 'demo-mapping.json');

export interface ServiceOverrides {
  /** Worker tuning for benchmarks and tests. */
  workerOptions?: Partial<WorkerOptions>;
  oneflowActivitiesPerSecond?: number;
  settingsStore?: SettingsStore;
  /** Extra step options passed into every run (tests shorten retries with this). */
  steps?: SmartSyncInput['steps'];
  /** Ports of the demo emulators (0 = free ports). */
  demoPorts?: { oneflow: number; superoffice: number };
  /** Scales the demo Oneflow emulator's webhook retry schedule (tests: 0.001). */
  webhookRetryScale?: number;
  /** The client (not the workers) connects here instead: tests put a proxy in between. */
  temporalClientAddress?: string;
}

export interface RunningService {
  settings: Settings;
  url: string;
  temporalAddress: string;
  temporalUiUrl: string;
  client: Client;
  demo?: DemoEnvironment;
  workers: RunningWorkers;
  store: SettingsStore;
  stop(): Promise<void>;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

function loadMappingFile(file: string, fromEnv: boolean): MappingDocument {
  const label = fromEnv ? `SMART_SYNC_CONFIG=${file}` : file;
  if (!existsSync(file)) throw new StartupError(`${label}: no such file`);
  const parsed = parseMappingDocumentText(readFileSync(file, 'utf8'));
  if (!parsed.ok) {
    throw new StartupError(
      `${label} is not a valid mapping document:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`,
    );
  }
  return parsed.value;
}

function listenHttp(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new StartupError(`PORT=${port}: the port is already in use; choose another with PORT`)
          : err,
      ),
    );
    server.once('listening', () => resolve(server));
  });
}

/** Starts every part in order and stops what was started if a later part fails. */
export async function startService(
  settings: Settings,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Promise<RunningService> {
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    while (stack.length > 0) {
      const stop = stack.pop()!;
      await stop().catch((err) => logger.warn({ err }, 'error while stopping'));
    }
  };
  try {
    // 1. Temporal: the embedded dev server unless TEMPORAL_ADDRESS points elsewhere.
    let temporalAddress = settings.temporal.address;
    let temporalUiUrl = settings.temporal.uiUrl;
    let devServer: RunningDevServer | undefined;
    if (!temporalAddress) {
      const cli = await findTemporalCli({
        env: settings.temporal.cliPath
          ? { ...process.env, TEMPORAL_CLI_PATH: settings.temporal.cliPath }
          : process.env,
        report: (line) => logger.info(line),
      });
      logger.info(describeCliSource(cli));
      const dbFile = path.join(settings.dataDir, 'temporal.db');
      devServer = await startDevServer({
        cliPath: cli.path,
        port: settings.temporal.devServerPort,
        uiPort: settings.temporal.uiPort,
        dbFile,
        namespace: settings.temporal.namespace,
      });
      stack.push(() => devServer!.stop());
      temporalAddress = devServer.address;
      temporalUiUrl = settings.temporal.uiUrl;
      logger.info({ address: temporalAddress, ui: temporalUiUrl, dbFile }, 'Temporal dev server running');
    }
    const target = { address: temporalAddress, namespace: settings.temporal.namespace };
    const { client, connection } = await connectClient(
      overrides.temporalClientAddress ? { ...target, address: overrides.temporalClientAddress } : target,
      { fromEnv: devServer === undefined },
    );
    stack.push(() => connection.close());
    if (!devServer) await ensureSearchAttributes(connection, settings.temporal.namespace, logger);

    // 2. The mapping document.
    // SQLite under SMART_SYNC_DATA_DIR; SMART_SYNC_CONFIG seeds it (see seed-mapping-document.ts).
    const store =
      overrides.settingsStore ?? (await SqliteSettingsStore.open(path.join(settings.dataDir, 'settings.db')));
    stack.push(() => store.close());
    if (settings.configPath) {
      const seeded = await seedMappingDocument(
        store,
        loadMappingFile(settings.configPath, true),
        'SMART_SYNC_CONFIG',
      );
      logger.info(
        { file: settings.configPath, seeded },
        seeded === 'kept'
          ? 'SMART_SYNC_CONFIG is unchanged since it was last imported: keeping the stored mapping document'
          : seeded === 'replaced'
            ? 'SMART_SYNC_CONFIG is new or has changed since it was last imported: it replaces the stored mapping document'
            : 'mapping document loaded from SMART_SYNC_CONFIG',
      );
    } else if (settings.demo && !(await store.getMappingDocument())) {
      await store.setMappingDocument(loadMappingFile(DEMO_MAPPING_PATH, false), { source: 'demo' });
      logger.info({ file: DEMO_MAPPING_PATH }, 'demo mapping document loaded');
    }

    // 3. Oneflow and SuperOffice: the real APIs, or the demo emulators.
    let demo: DemoEnvironment | undefined;
    let oneflowConfig = settings.oneflow;
    let superofficeConfig = settings.superoffice;
    let webhookSignKey = settings.oneflow.webhookSignKey;
    let adminToken = settings.adminToken;
    if (settings.demo) {
      // The webhook URL is set once the HTTP server listens (PORT may be 0 in tests).
      demo = await startDemoEnvironment({
        ports: overrides.demoPorts ?? settings.demoPorts,
        webhookRetryScale: overrides.webhookRetryScale,
      });
      stack.push(() => demo!.close());
      oneflowConfig = { ...settings.oneflow, ...demo.oneflow };
      superofficeConfig = demo.superoffice;
      webhookSignKey = demo.oneflow.webhookSignKey;
      adminToken = settings.adminToken ?? demo.adminToken;
      logger.warn(
        { oneflow: demo.oneflow.apiUrl, superoffice: demo.superoffice.apiUrl },
        'DEMO MODE: ONEFLOW_API_URL and SUPEROFFICE_API_URL are not set, so Smart Sync talks to its built-in ' +
          'emulators with demo data. Nothing leaves this machine. Run `npm run demo` to sign the demo contract.',
      );
    }
    const oneflow = new OneflowClient({
      apiUrl: oneflowConfig.apiUrl!,
      apiToken: oneflowConfig.apiToken!,
      userEmail: oneflowConfig.userEmail,
    });
    const superoffice = new SuperOfficeClient({
      apiUrl: superofficeConfig.apiUrl!,
      accessToken: superofficeConfig.accessToken!,
    });

    // 4. Workers.
    const runtime = installTemporalRuntime(logger, { metricsPort: await freePort() });
    const workerConnection = await connectWorker(target, { fromEnv: devServer === undefined });
    stack.push(() => workerConnection.close());
    const workers = await startWorkers({
      connection: workerConnection,
      namespace: settings.temporal.namespace,
      taskQueue: settings.temporal.taskQueue,
      activities: createSuperOfficeActivities({ superoffice, settings: store, logger }),
      oneflowActivities: createOneflowActivities({ oneflow, logger }),
      oneflowActivitiesPerSecond: overrides.oneflowActivitiesPerSecond,
      workerOptions: overrides.workerOptions,
      logger,
    });
    stack.push(() => workers.shutdown());

    // 5. HTTP.
    const starter = new TemporalSyncStarter({
      client,
      taskQueue: settings.temporal.taskQueue,
      uiUrl: temporalUiUrl,
      namespace: settings.temporal.namespace,
      steps: { ...settings.retryPolicies, ...overrides.steps },
    });
    const metrics = createMetrics();
    const app = createApp({
      logger,
      health: {
        temporalReachable: () => isTemporalReachable(connection as Connection),
        workersRunning: () => workers.isRunning(),
      },
      routers: [
        webhookRouter({ starter, signKey: webhookSignKey!, logger, metrics }),
        metricsRouter(metrics, runtime.metricsUrl),
        adminRouter({ starter, store, superoffice, adminToken: adminToken!, logger }),
        settingsPageRouter({ logger }),
      ],
    });
    const server = await listenHttp(app, settings.port);
    stack.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as { port: number }).port;
    const url = `http://localhost:${port}`;
    demo?.oneflowEmulator.emulator.configureWebhook({ url: `http://127.0.0.1:${port}/webhooks/oneflow` });
    logger.info(
      { url, temporalUi: temporalUiUrl, taskQueue: settings.temporal.taskQueue },
      `Smart Sync is running on ${url}`,
    );

    return {
      settings,
      url,
      temporalAddress,
      temporalUiUrl,
      client,
      demo,
      workers,
      store,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `npm start`: run until SIGINT or SIGTERM, then stop everything cleanly. */
export async function runService(settings: Settings, logger: Logger): Promise<void> {
  let service: RunningService;
  try {
    service = await startService(settings, logger);
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'Smart Sync could not start');
    process.stderr.write(`\nSmart Sync could not start: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(
    `\n  Smart Sync       ${service.url}\n  Settings page    ${service.url}/settings` +
      (service.demo && !settings.adminToken ? `   (admin token: ${service.demo.adminToken})` : '') +
      `\n  Temporal Web UI  ${service.temporalUiUrl}\n` +
      (service.demo
        ? `  Demo emulators   Oneflow ${service.demo.oneflow.apiUrl}  SuperOffice ${service.demo.superoffice.apiUrl}\n` +
          `  Try it:          npm run demo   (signs the demo contract; watch the run in the Web UI)\n`
        : '') +
      '  Stop:            Ctrl-C\n\n',
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn('second signal: exiting at once');
        process.exit(130);
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      service
        .stop()
        .then(() => logger.info('stopped'))
        .finally(resolve);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
