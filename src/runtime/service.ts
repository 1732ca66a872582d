import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { type Client, type Connection } from '@temporalio/client';
import type { Environment } from '../config/env';
import { type MappingDocument, parseMappingDocumentText } from '../config/mapping-document';
import type { Logger } from '../logging/logger';
import { OneflowClient } from '../oneflow/client';
import { SuperOfficeClient } from '../superoffice/client';
import {
  connectionsRouterFor,
  requireSecretKeyForStoredConnection,
  superOfficeSignInOptions,
} from './connections';
import { createApp } from '../server/app';
import type { MappingStore } from '../mapping-store/mapping-store';
import { openSettingsStore, type SettingsStoreLocation } from '../mapping-store/open-settings-store';
import { seedMappingDocument } from '../mapping-store/seed-mapping-document';
import { describeCliSource, findTemporalCli } from '../temporal/cli-binary';
import { closeAfterProbes, connectClient, connectWorker, isTemporalReachable } from '../temporal/connection';
import { freePort, type SupervisedDevServer, superviseDevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes';
import { type RunningWorkers, startWorkers } from '../temporal/workers';
import { setCurrentVersionCommand } from '../temporal/worker-versioning';
import { drainHttpServer } from './drain-http-server';
import { installTemporalRuntime } from '../temporal/runtime-logger';
import {
  createBackfillActivities,
  createOneflowActivities,
  createSuperOfficeActivities,
} from '../activities';
import { type DemoEnvironment, startDemoEnvironment } from './demo-environment';
import { webhookRouter } from '../server/webhooks';
import { createMetrics, metricsRouter, recordWorkflowBuild } from '../server/metrics';
import { adminRouter } from '../server/admin-api';
import { backfillsRouter } from '../server/backfills';
import { settingsPageRouter } from '../server/settings-page/settings-page-router';
import { TemporalBackfills } from '../temporal/backfills';
import { TemporalSyncStarter } from '../temporal/sync-starter';
import { ensureReconcileSchedule } from '../temporal/reconcile-schedule';
import { createSigningSyncActivities } from '../activities/signing-sync';
import { normalizeStepOverrides, type SmartSyncInput } from '../workflow-contract';

/** Under SMART_SYNC_DATA_DIR: the embedded dev server's pid and owner, for the next start. */
export const DEV_SERVER_PID_FILE = 'temporal-dev-server.json';

/**
 * Where the mapping store and the embedded dev server's history live: the demo under
 * `<SMART_SYNC_DATA_DIR>/demo/`, so that a demo run on a production machine never reads
 * or overwrites the real mapping document or history; live mode in the folder itself,
 * where earlier versions kept both, so an upgrade finds them. The dev server's pid file
 * stays in the folder itself in both modes: it guards the ports, not the state.
 */
export function stateDir(environment: Pick<Environment, 'demo' | 'dataDir'>): string {
  return environment.demo ? path.join(environment.dataDir, 'demo') : environment.dataDir;
}

/** The SQLite settings file of the environment (used when DATABASE_URL is not set). */
export function settingsFile(environment: Pick<Environment, 'demo' | 'dataDir'>): string {
  return path.join(stateDir(environment), 'settings.db');
}

/**
 * Where the settings live: PostgreSQL when DATABASE_URL is set, else the SQLite file. The
 * demo never touches a shared database: its state stays in its own folder.
 */
export function settingsStoreLocation(
  environment: Pick<Environment, 'demo' | 'dataDir' | 'databaseUrl'>,
): SettingsStoreLocation {
  return {
    databaseUrl: environment.demo ? undefined : environment.databaseUrl,
    sqliteFile: settingsFile(environment),
  };
}

/** The mapping document the demo runs with when SMART_SYNC_CONFIG names none. */
export const DEMO_MAPPING_PATH = path.join(__dirname, '..', '..', 'config', 'demo-mapping.json');

export interface ServiceOverrides {
  /** Worker tuning for benchmarks and tests. */
  workerOptions?: Partial<WorkerOptions>;
  oneflowActivitiesPerSecond?: number;
  mappingStore?: MappingStore;
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
  environment: Environment;
  url: string;
  /** The address the HTTP server listens on (127.0.0.1 in demo mode unless SMART_SYNC_HOST says otherwise). */
  address: AddressInfo;
  temporalAddress: string;
  temporalUiUrl: string;
  client: Client;
  demo?: DemoEnvironment;
  workers: RunningWorkers;
  store: MappingStore;
  /** The embedded dev server, unless TEMPORAL_ADDRESS points elsewhere. */
  devServer?: SupervisedDevServer;
  /**
   * Resolves with the cause when a part has stopped for good (a worker crashed, the
   * embedded dev server could not be kept running): runService then exits non-zero.
   */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * Which parts one process runs: `start` all of them (and, alone, the embedded dev server
 * and the demo); `worker` the workflows and activities; `api` the webhooks, admin API and
 * settings page. Split, each scales and restarts apart from the other against one cluster.
 */
export type ServiceRole = 'all' | 'worker' | 'api';

/** What startParts returns: an api runs no workers. */
export type RunningParts = Omit<RunningService, 'workers'> & { role: ServiceRole; workers?: RunningWorkers };

/** worker and api are for a cluster: the dev server and the emulators live in one process only. */
function refuseWithoutCluster(role: Exclude<ServiceRole, 'all'>, environment: Environment): void {
  if (environment.demo) {
    throw new StartupError(
      `smart-sync ${role} does not run in demo mode: set ONEFLOW_API_URL and SUPEROFFICE_API_URL ` +
        '(and their secrets) to run against the real services, or run the demo in one process with `smart-sync start`',
    );
  }
  if (!environment.temporal.address) {
    throw new StartupError(
      `smart-sync ${role} needs a Temporal cluster: set TEMPORAL_ADDRESS (host:port), or TEMPORAL_PROFILE / ` +
        'TEMPORAL_CONFIG_FILE naming a profile with an address; only `smart-sync start` runs the embedded dev server',
    );
  }
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

function listenHttp(
  app: ReturnType<typeof createApp>,
  port: number,
  host: string | undefined,
  portSetting = 'PORT',
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = host === undefined ? app.listen(port) : app.listen(port, host);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new StartupError(
              `${portSetting}=${port}: the port is already in use; choose another with ${portSetting}`,
            )
          : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
            ? new StartupError(
                `SMART_SYNC_HOST=${host}: no interface of this machine has that address; choose another or unset it`,
              )
            : err,
      ),
    );
    server.once('listening', () => resolve(server));
  });
}

/** Every part in one process, as `smart-sync start` and the tests run it. */
export async function startService(
  environment: Environment,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Promise<RunningService> {
  return (await startParts('all', environment, logger, overrides)) as RunningService;
}

/** Starts the role's parts in order and stops what was started if a later part fails. */
export async function startParts(
  role: ServiceRole,
  environment: Environment,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Promise<RunningParts> {
  if (role !== 'all') refuseWithoutCluster(role, environment);
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    while (stack.length > 0) {
      const stop = stack.pop()!;
      await stop().catch((err) => logger.warn({ err }, 'error while stopping'));
    }
  };
  try {
    // 1. Temporal: the embedded dev server unless TEMPORAL_ADDRESS points elsewhere.
    let temporalAddress = environment.temporal.address;
    let temporalUiUrl = environment.temporal.uiUrl;
    let devServer: SupervisedDevServer | undefined;
    if (!temporalAddress) {
      const cli = await findTemporalCli({
        env: environment.temporal.cliPath
          ? { ...process.env, TEMPORAL_CLI_PATH: environment.temporal.cliPath }
          : process.env,
        report: (line) => logger.info(line),
      });
      logger.info(describeCliSource(cli));
      const dbFile = path.join(stateDir(environment), 'temporal.db');
      devServer = await superviseDevServer({
        cliPath: cli.path,
        port: environment.temporal.devServerPort,
        uiPort: environment.temporal.uiPort,
        dbFile,
        namespace: environment.temporal.namespace,
        pidFile: path.join(environment.dataDir, DEV_SERVER_PID_FILE),
        portSetting: 'TEMPORAL_DEV_SERVER_PORT',
        uiPortSetting: 'TEMPORAL_UI_PORT',
        logger,
      });
      stack.push(() => devServer!.stop());
      temporalAddress = devServer.address;
      temporalUiUrl = environment.temporal.uiUrl;
      logger.info({ address: temporalAddress, ui: temporalUiUrl, dbFile }, 'Temporal dev server running');
    }
    const target = {
      address: temporalAddress,
      namespace: environment.temporal.namespace,
      connection: devServer ? undefined : environment.temporal.connection,
    };
    const { client, connection } = await connectClient(
      overrides.temporalClientAddress ? { ...target, address: overrides.temporalClientAddress } : target,
      { fromEnv: devServer === undefined },
    );
    stack.push(() => closeAfterProbes(connection));
    if (!devServer) await ensureSearchAttributes(connection, environment.temporal.namespace, logger);

    // 2. The mapping document.
    // PostgreSQL when DATABASE_URL is set (shared by every replica), else SQLite under
    // SMART_SYNC_DATA_DIR; SMART_SYNC_CONFIG seeds it (see seed-mapping-document.ts).
    // The file keeps the name it had in 0.1, so that an upgrade finds the existing document.
    const { sqliteFile: storeFile, databaseUrl } = settingsStoreLocation(environment);
    if (role !== 'all' && !databaseUrl && !overrides.mappingStore) {
      // Not refused: a single api and worker seeded by SMART_SYNC_CONFIG alone still work.
      logger.warn(
        `smart-sync ${role} without DATABASE_URL keeps its settings in ${storeFile}, its own: ` +
          'a mapping saved through the settings page does not reach the other processes; ' +
          'give every api and worker the same DATABASE_URL',
      );
    }
    if (environment.demo && environment.databaseUrl) {
      logger.warn(
        'DATABASE_URL is not used in demo mode: the demo keeps its settings in its own SQLite file',
      );
    }
    const opened = overrides.mappingStore
      ? undefined
      : await openSettingsStore(settingsStoreLocation(environment), logger);
    const store = overrides.mappingStore ?? opened!.store;
    stack.push(() => store.close());
    await requireSecretKeyForStoredConnection(environment, store);
    if (opened) {
      logger.info(
        { store: opened.kind, where: opened.where, mode: environment.demo ? 'demo' : 'live' },
        environment.demo
          ? `mapping store: ${storeFile} (the demo's own, apart from the live store in ${environment.dataDir})`
          : `mapping store: ${opened.kind === 'postgres' ? 'PostgreSQL ' : ''}${opened.where}`,
      );
    }
    if (environment.configPath) {
      const seeded = await seedMappingDocument(
        store,
        loadMappingFile(environment.configPath, true),
        'SMART_SYNC_CONFIG',
      );
      logger.info(
        { file: environment.configPath, seeded },
        seeded === 'kept'
          ? 'SMART_SYNC_CONFIG is unchanged since it was last imported: keeping the stored mapping document'
          : seeded === 'replaced'
            ? 'SMART_SYNC_CONFIG is new or has changed since it was last imported: it replaces the stored mapping document'
            : 'mapping document loaded from SMART_SYNC_CONFIG',
      );
    } else if (environment.demo && !(await store.getMappingDocument())) {
      await store.setMappingDocument(loadMappingFile(DEMO_MAPPING_PATH, false), { source: 'demo' });
      logger.info({ file: DEMO_MAPPING_PATH }, 'demo mapping document loaded');
    }

    // 3. Oneflow and SuperOffice: the real APIs, or the demo emulators.
    let demo: DemoEnvironment | undefined;
    let oneflowConfig = environment.oneflow;
    let superofficeConfig = environment.superoffice;
    let webhookSignKey = environment.oneflow.webhookSignKey;
    let adminToken = environment.adminToken;
    if (environment.demo) {
      // The webhook URL is set once the HTTP server listens (PORT may be 0 in tests).
      demo = await startDemoEnvironment({
        ports: overrides.demoPorts ?? environment.demoPorts,
        webhookRetryScale: overrides.webhookRetryScale,
      });
      stack.push(() => demo!.close());
      oneflowConfig = { ...environment.oneflow, ...demo.oneflow };
      superofficeConfig = demo.superoffice;
      webhookSignKey = demo.oneflow.webhookSignKey;
      adminToken = environment.adminToken ?? demo.adminToken;
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
      // One credential source for every worker; the demo's emulator takes its fixed token; a
      // connection stored through SuperOffice's sign-in takes precedence over the environment's.
      ...superOfficeSignInOptions(
        environment,
        store,
        superofficeConfig.apiUrl!,
        superofficeConfig.accessToken,
      ),
    });

    // Starts and finds runs: for the webhook route and admin API, and for the Oneflow
    // worker's startSigningSync (reconciliation and backfill start syncs through it too).
    const starter = new TemporalSyncStarter({
      client,
      taskQueue: environment.temporal.taskQueue,
      uiUrl: temporalUiUrl,
      namespace: environment.temporal.namespace,
      // Recorded in each run's input keyed by activity name, as the Web UI names the steps.
      steps: {
        ...normalizeStepOverrides(environment.retryPolicies),
        ...normalizeStepOverrides(overrides.steps),
      },
    });

    // 4. Workers (none in an api).
    let workers: RunningWorkers | undefined;
    let runtime: { metricsUrl?: string } = {};
    if (role !== 'api') {
      runtime = installTemporalRuntime(logger, { metricsPort: await freePort() });
      const workerConnection = await connectWorker(target, { fromEnv: devServer === undefined });
      stack.push(() => workerConnection.close());
      const started = await startWorkers({
        connection: workerConnection,
        namespace: environment.temporal.namespace,
        taskQueue: environment.temporal.taskQueue,
        activities: {
          ...createSuperOfficeActivities({ superoffice, oneflow, mappingStore: store, logger }),
          ...createBackfillActivities({ client }),
        },
        oneflowActivities: {
          ...createOneflowActivities({ oneflow, logger }),
          ...createSigningSyncActivities({ oneflow, starter, logger }),
        },
        oneflowActivitiesPerSecond: overrides.oneflowActivitiesPerSecond,
        workerOptions: overrides.workerOptions,
        shutdownGraceMs: environment.shutdownGraceMs,
        maxCachedWorkflows: environment.maxCachedWorkflows,
        versioning: environment.temporal.versioning,
        logger,
      });
      workers = started;
      stack.push(() => started.shutdown());
      if (environment.temporal.versioning) {
        const { deploymentName, buildId = started.buildId } = environment.temporal.versioning;
        logger.info(
          { deployment: deploymentName, buildId },
          'worker versioning is on: new runs reach these workers once this version is current; ' +
            `when every replica of it is ready: ${setCurrentVersionCommand(environment.temporal.namespace, deploymentName, buildId)}`,
        );
      }
    }

    // The reconciliation of lost webhooks: its schedule made to match the environment
    // (created, updated, or removed when off) by whichever part starts; see README.
    try {
      await ensureReconcileSchedule(
        client,
        { taskQueue: environment.temporal.taskQueue, ...environment.reconcile },
        logger,
      );
    } catch (err) {
      throw new Error(
        `could not set up the reconciliation schedule in namespace ${environment.temporal.namespace}: ` +
          `${(err as Error).message.split('\n')[0]} (the namespace must allow schedules; ` +
          'SMART_SYNC_RECONCILE_EVERY=off starts without reconciliation)',
        { cause: err },
      );
    }

    // 5. HTTP: a worker serves only its health and metrics, on a port of its own.
    const backfills = new TemporalBackfills({
      client,
      taskQueue: environment.temporal.taskQueue,
      uiUrl: temporalUiUrl,
      namespace: environment.temporal.namespace,
    });
    const metrics = createMetrics();
    if (workers) recordWorkflowBuild(metrics, workers.buildId, environment.temporal.versioning);
    const app = createApp({
      logger,
      health: {
        temporalReachable: () => isTemporalReachable(connection as Connection),
        workersRunning: workers ? () => workers.isRunning() : undefined,
        workersProblem: workers ? () => workers.problem() : undefined,
        devServer: devServer ? () => devServer.status() : undefined,
      },
      routers:
        role === 'worker'
          ? [metricsRouter(metrics, runtime.metricsUrl, { token: environment.metricsToken })]
          : [
              webhookRouter({ starter, signKey: webhookSignKey!, logger, metrics }),
              metricsRouter(metrics, runtime.metricsUrl, { token: environment.metricsToken }),
              adminRouter({ starter, store, superoffice, oneflow, adminToken: adminToken!, logger }),
              backfillsRouter({ backfills, adminToken: adminToken!, logger }),
              connectionsRouterFor({
                environment,
                store,
                superoffice,
                superofficeApiUrl: superofficeConfig.apiUrl!,
                oneflow,
                adminToken: adminToken!,
                logger,
              }),
              settingsPageRouter({ logger }),
            ],
    });
    const server =
      role === 'worker'
        ? await listenHttp(
            app,
            environment.workerHealthPort,
            environment.host,
            'SMART_SYNC_WORKER_HEALTH_PORT',
          )
        : await listenHttp(app, environment.port, environment.host);
    // In-flight requests (a webhook being accepted) are answered before the client closes.
    stack.push(() => drainHttpServer(server, environment.shutdownGraceMs, logger));
    const address = server.address() as AddressInfo;
    const port = address.port;
    // Bound to one address, the links name it: `localhost` may resolve to an address not listened on.
    const everyInterface = environment.host === undefined || ['0.0.0.0', '::'].includes(address.address);
    const boundHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = everyInterface ? `http://localhost:${port}` : `http://${boundHost}:${port}`;
    demo?.oneflowEmulator.emulator.configureWebhook({
      url: `http://${everyInterface ? '127.0.0.1' : boundHost}:${port}/webhooks/oneflow`,
    });
    logger.info(
      {
        url,
        listening: `${address.address}:${port}`,
        temporalUi: temporalUiUrl,
        taskQueue: environment.temporal.taskQueue,
      },
      role === 'all' ? `Smart Sync is running on ${url}` : `Smart Sync ${role} is running on ${url}`,
    );

    return {
      role,
      environment,
      url,
      address,
      temporalAddress,
      temporalUiUrl,
      client,
      demo,
      workers,
      store,
      devServer,
      failed: Promise.race([...(workers ? [workers.failed] : []), ...(devServer ? [devServer.failed] : [])]),
      stop: () => {
        devServer?.stopRestarting();
        return stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `npm start` (or `smart-sync worker` / `api`): run until SIGINT or SIGTERM, then stop everything cleanly. */
export async function runService(
  environment: Environment,
  logger: Logger,
  role: ServiceRole = 'all',
): Promise<void> {
  let service: RunningParts;
  try {
    service = await startParts(role, environment, logger);
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'Smart Sync could not start');
    process.stderr.write(`\nSmart Sync could not start: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(
    role === 'worker'
      ? `\n  Smart Sync worker  task queue ${environment.temporal.taskQueue} on ${service.temporalAddress}` +
          `\n  Health           ${service.url}/readyz\n  Stop:            Ctrl-C\n\n`
      : `\n  Smart Sync${role === 'api' ? ' api  ' : '      '} ${service.url}\n  Settings page    ${service.url}/settings` +
          (service.demo && !environment.adminToken ? `   (admin token: ${service.demo.adminToken})` : '') +
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
      const graceSeconds = environment.shutdownGraceMs / 1000;
      logger.info(
        { signal, graceSeconds },
        `stopping: in-flight webhooks and activities get up to ${graceSeconds} s each to finish ` +
          '(SMART_SYNC_SHUTDOWN_GRACE_SECONDS); activities still running then are handed back to Temporal',
      );
      // A drain that hangs (a Temporal that is gone) must not outlive the supervisor's patience.
      setTimeout(
        () => {
          logger.error('still stopping long after the grace period: exiting');
          process.exit(EXIT_CODE_PART_STOPPED);
        },
        2 * environment.shutdownGraceMs + 15_000,
      ).unref();
      service
        .stop()
        .then(() => logger.info('stopped'))
        .finally(resolve);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Crash-only: every sync's state is in Temporal, so a fresh process loses nothing, while
    // a worker the SDK has given up on would only fail the same way again in this one.
    void service.failed.then((err) => {
      if (stopping) return;
      stopping = true;
      logger.fatal(
        { err: { message: err.message } },
        'Smart Sync is stopping: a part of it stopped for good',
      );
      process.stderr.write(
        `\nSmart Sync is stopping: ${err.message}.\nExiting with code ${EXIT_CODE_PART_STOPPED} so that a ` +
          'supervisor (systemd, Docker, Kubernetes) restarts it; by hand: npm start\n',
      );
      // A hung process is never restarted: exit even if a part does not stop (workers wait
      // for a Temporal that is gone when they shut down).
      setTimeout(() => process.exit(EXIT_CODE_PART_STOPPED), 10_000).unref();
      void service.stop().finally(() => process.exit(EXIT_CODE_PART_STOPPED));
    });
  });
}

/** The exit code when a worker crashed or the embedded dev server could not be kept running. */
export const EXIT_CODE_PART_STOPPED = 1;
