import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_KEYS, searchAttributeFlags } from './search-attributes';

/**
 * Runs the Temporal CLI's dev server as a child process. We start it ourselves rather
 * than through the SDK's TestWorkflowEnvironment because the SDK gives a server it
 * spawns a fixed 5 seconds to come up, too little for a cold start on a slow machine.
 */

export interface DevServerOptions {
  cliPath: string;
  /** 127.0.0.1 unless told otherwise. */
  ip?: string;
  /** gRPC port; 0 picks a free one. */
  port: number;
  /** Web UI port; undefined runs headless. */
  uiPort?: number;
  /** SQLite file for history that survives a restart; undefined keeps it in memory. */
  dbFile?: string;
  namespace?: string;
  /** How long to wait for the server to answer, in ms. */
  startTimeoutMs?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface RunningDevServer {
  address: string;
  port: number;
  uiUrl: string | undefined;
  namespace: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until the frontend answers and our search attributes are registered. */
async function waitUntilReady(
  address: string,
  namespace: string,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(`the Temporal dev server exited with code ${exited} while starting:\n${output()}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const registered = SEARCH_ATTRIBUTE_KEYS.every((k) => customAttributes[k.name] !== undefined);
      if (registered) return;
      lastError = 'search attributes not registered yet';
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      await connection?.close().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the Temporal dev server did not answer on ${address} within ${Math.round(timeoutMs / 1000)} s ` +
      `(last error: ${lastError}):\n${output()}`,
  );
}

export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port === 0 ? await freePort() : options.port;
  const namespace = options.namespace ?? 'default';
  if (await isPortInUse(port, ip)) {
    throw new Error(
      `port ${port} on ${ip} is already in use, so the embedded Temporal dev server cannot start there. ` +
        'Another Temporal server may be running: set TEMPORAL_ADDRESS to use it, or stop it.',
    );
  }
  if (options.uiPort !== undefined && (await isPortInUse(options.uiPort, ip))) {
    throw new Error(`port ${options.uiPort} on ${ip} (the Temporal Web UI) is already in use`);
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-format',
    'json',
    '--log-level',
    options.logLevel ?? 'warn',
    ...searchAttributeFlags(),
    // One machine, one process: measured with `npm run bench` (BENCHMARKS.md), these two
    // cut the dev server's CPU per sync by about a third. Eager dispatch hands an activity
    // scheduled by a workflow task straight back to the worker that completed it (same task
    // queue only, so the rate-limited Oneflow queue still goes through matching); a single
    // task-queue partition saves forwarding between partitions and makes the Oneflow
    // queue's rate limit one exact limit instead of four shares of it.
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
  ];
  if (options.uiPort !== undefined) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    // SQLite's default rollback journal syncs the disk several times per transaction;
    // write-ahead logging syncs the log once, just as durably (synchronous stays FULL).
    // Measured: the bench's throughput phase went from 7.5 to 10.9 syncs per second.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL');
  }

  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const address = `${ip}:${port}`;
  try {
    await waitUntilReady(address, namespace, child, options.startTimeoutMs ?? 60_000, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(killTimer);
        resolve();
      });
      child.kill('SIGTERM');
    });
    return stopping;
  };

  return {
    address,
    port,
    uiUrl:
      options.uiPort !== undefined
        ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort}`
        : undefined,
    namespace,
    process: child,
    stop,
  };
}
