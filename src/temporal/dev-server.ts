import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from '../logging/logger';
import { searchAttributeFlags } from './search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflow-contract';

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
  /**
   * Where to record the running server (pid, owner, db file), so that the next start can
   * recognise one that outlived a killed owner (see clearStaleDevServer).
   */
  pidFile?: string;
  /** How the user sets the ports, for the message when one is taken. */
  portSetting?: string;
  uiPortSetting?: string;
  logger?: Logger;
}

export interface DevServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started or waited for at all. */
  error?: string;
}

export interface RunningDevServer {
  address: string;
  port: number;
  uiUrl: string | undefined;
  namespace: string;
  process: ChildProcess;
  /** Resolves when the process has exited, whoever stopped it. */
  exited: Promise<DevServerExit>;
  stop(): Promise<void>;
}

/** A refusal to start that the message alone explains (one line, no output dump). */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}

export function describeExit(exit: DevServerExit): string {
  if (exit.error) return `could not run (${exit.error})`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
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
  exitedPromise: Promise<DevServerExit>,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: DevServerExit | undefined;
  void exitedPromise.then((e) => (exited = e));
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited) {
      // Its own error lines say why (a port taken, a locked db file); the rest is noise.
      throw new DevServerStartError(
        `the Temporal dev server ${describeExit(exited)} while starting: ${errorLines(output()) || 'it printed nothing'}`,
      );
    }
    const attempt = async (): Promise<boolean> => {
      let connection: Connection | undefined;
      try {
        connection = await Connection.connect({ address, connectTimeout: 2_000 });
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const registered = SEARCH_ATTRIBUTE_KEYS.every((k) => customAttributes[k.name] !== undefined);
        if (!registered) lastError = 'search attributes not registered yet';
        return registered;
      } catch (err) {
        lastError = (err as Error).message;
        return false;
      } finally {
        await connection?.close().catch(() => {});
      }
    };
    // A server that exits at once must not wait out a connect timeout to be noticed.
    if ((await Promise.race([attempt(), exitedPromise.then(() => false)])) && !exited) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new DevServerStartError(
    `the Temporal dev server did not answer on ${address} within ${Math.round(timeoutMs / 1000)} s ` +
      `(last error: ${lastError.split('\n')[0]}; its output: ${errorLines(output()) || 'none'})`,
  );
}

export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port === 0 ? await freePort() : options.port;
  const namespace = options.namespace ?? 'default';
  // Absolute, so that the command line a later start inspects names the file whatever its cwd.
  const dbFile = options.dbFile ? path.resolve(options.dbFile) : undefined;
  if (options.pidFile) await clearStaleDevServer(options.pidFile, dbFile, options.logger);
  await refuseTakenPort(port, ip, options.portSetting ?? 'the dev server port', 'frontend');
  if (options.uiPort !== undefined) {
    await refuseTakenPort(options.uiPort, ip, options.uiPortSetting ?? 'the Web UI port', 'ui');
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
  if (dbFile) {
    mkdirSync(path.dirname(dbFile), { recursive: true });
    // SQLite's default rollback journal syncs the disk several times per transaction;
    // write-ahead logging syncs the log once, just as durably (synchronous stays FULL).
    // Measured: the bench's throughput phase went from 7.5 to 10.9 syncs per second.
    args.push('--db-filename', dbFile, '--sqlite-pragma', 'journal_mode=WAL');
  }

  if (options.pidFile) mkdirSync(path.dirname(options.pidFile), { recursive: true });
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<DevServerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A missing or unrunnable binary emits 'error' and may never emit 'exit'.
    child.once('error', (err) => resolve({ code: null, signal: null, error: err.message }));
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  // Recorded before it is ready, so that an owner killed while it starts still leaves a trace.
  const pidFile = options.pidFile;
  if (pidFile && child.pid !== undefined) {
    const record: DevServerPidRecord = {
      pid: child.pid,
      ownerPid: process.pid,
      port,
      uiPort: options.uiPort,
      dbFile,
      startedAt: new Date().toISOString(),
    };
    try {
      writeFileSync(pidFile, `${JSON.stringify(record, null, 2)}\n`);
    } catch (err) {
      options.logger?.warn({ err, pidFile }, 'could not record the Temporal dev server pid');
    }
    void exited.then(() => {
      // Only our own record: a restarted server may have written its own meanwhile.
      if (readDevServerPidFile(pidFile)?.pid === child.pid) rmSync(pidFile, { force: true });
    });
  }

  const address = `${ip}:${port}`;
  try {
    await waitUntilReady(address, namespace, exited, options.startTimeoutMs ?? 60_000, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      void exited.then(() => {
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
    exited,
    stop,
  };
}

/** The `msg` of its ERROR lines (it logs JSON), else its last line. */
function errorLines(output: string): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      return entry.level === 'ERROR' || entry.level === 'FATAL'
        ? [[entry.msg, entry.error].filter(Boolean).join(': ')]
        : [];
    } catch {
      return [];
    }
  });
  return (errors.length > 0 ? errors.join('; ') : (lines.at(-1) ?? '')).slice(0, 500);
}

// ---------------------------------------------------------------------------------------
// Who holds a port, and a dev server left behind by a killed owner.

export interface DevServerPidRecord {
  pid: number;
  /** The process that started it; a live owner is its parent. */
  ownerPid: number;
  port: number;
  uiPort?: number;
  dbFile?: string;
  startedAt: string;
}

export function readDevServerPidFile(file: string): DevServerPidRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevServerPidRecord>;
    return typeof record.pid === 'number' && typeof record.ownerPid === 'number'
      ? (record as DevServerPidRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

const hasProc = existsSync('/proc/self/stat');

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is only not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, space-joined; undefined when it is gone or hidden. */
export function processCommandLine(pid: number): string | undefined {
  if (hasProc) {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return raw.split('\0').filter(Boolean).join(' ') || undefined;
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 ? ps.stdout.trim() || undefined : undefined;
}

export function parentPid(pid: number): number | undefined {
  if (hasProc) {
    try {
      // "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return Number.isInteger(ppid) ? ppid : undefined;
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' });
  const ppid = Number(ps.stdout.trim());
  return ps.status === 0 && Number.isInteger(ppid) ? ppid : undefined;
}

/** The pid listening on a TCP port, when this user may see it (Linux: /proc; else lsof). */
export function findListeningPid(port: number): number | undefined {
  if (hasProc) {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text: string;
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        // local_address is HEXIP:HEXPORT, st 0A is LISTEN, field 9 the socket's inode.
        if (f.length > 9 && f[3] === '0A' && parseInt(f[1]!.split(':')[1]!, 16) === port) inodes.add(f[9]!);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
          if (m && inodes.has(m[1]!)) return Number(entry);
        } catch {
          // Closed meanwhile.
        }
      }
    }
    return undefined;
  }
  const lsof = spawnSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-t'], { encoding: 'utf8' });
  const pid = Number(lsof.stdout?.split('\n')[0]);
  return lsof.status === 0 && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

const isDevServerCommand = (cmd: string | undefined) => cmd !== undefined && /\bserver start-dev\b/.test(cmd);
/** Short enough for a one-line message, keeping the db file, which tells whose server it is. */
function shortCommand(cmd: string): string {
  if (cmd.length <= 120) return cmd;
  const db = /--db-filename \S+/.exec(cmd)?.[0];
  return db ? `${cmd.slice(0, 60)} ... ${db} ...` : `${cmd.slice(0, 117)}...`;
}

async function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE'));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * Throws a one-line DevServerStartError naming who holds the port and what to do. Both a
 * connect and a bind are tried: a listener on another address of this machine (0.0.0.0,
 * ::) takes the port too, and only the bind sees some of those.
 */
async function refuseTakenPort(
  port: number,
  ip: string,
  setting: string,
  role: 'frontend' | 'ui',
): Promise<void> {
  if (!(await isPortInUse(port, ip)) && (await canBind(port, ip))) return;
  const pid = findListeningPid(port);
  const cmd = pid !== undefined ? processCommandLine(pid) : undefined;
  const what = role === 'ui' ? `port ${port} (${setting}, the Temporal Web UI)` : `port ${port} (${setting})`;
  const useIt =
    role === 'frontend' ? `, or set TEMPORAL_ADDRESS=${ip}:${port} to use that server instead` : '';
  if (pid !== undefined && isDevServerCommand(cmd)) {
    throw new DevServerStartError(
      `${what} is held by a Temporal dev server that this Smart Sync did not start, pid ${pid} ` +
        `(${shortCommand(cmd!)}): stop it with \`kill ${pid}\`${useIt}, or set ${setting} to a free port`,
    );
  }
  throw new DevServerStartError(
    `${what} is already in use by ` +
      (pid !== undefined
        ? `pid ${pid}${cmd ? ` (${shortCommand(cmd)})` : ''}: stop it with \`kill ${pid}\``
        : 'another program (one this user cannot inspect): stop it') +
      ` or set ${setting} to a free port${useIt}`,
  );
}

/**
 * A dev server recorded in `pidFile` that still runs on our db file: if its owner is gone
 * (the server's parent is no longer the process that recorded it), a killed Smart Sync left
 * it behind. It is stopped, not reused, so that this process owns the server it talks to:
 * it sees it exit, can restart it, and runs it with this version's flags; its history is in
 * the db file, so nothing is lost. If its owner is alive, that is another Smart Sync on the
 * same data folder, and this one refuses to start beside it.
 */
export async function clearStaleDevServer(
  pidFile: string,
  dbFile: string | undefined,
  logger?: Logger,
): Promise<'none' | 'stopped'> {
  const record = readDevServerPidFile(pidFile);
  if (!record) {
    rmSync(pidFile, { force: true });
    return 'none';
  }
  const cmd = isProcessAlive(record.pid) ? processCommandLine(record.pid) : undefined;
  const ours = isDevServerCommand(cmd) && (!dbFile || cmd!.includes(dbFile));
  if (!ours) {
    // Gone, or the pid now belongs to something else: the record is merely out of date.
    rmSync(pidFile, { force: true });
    return 'none';
  }
  if (parentPid(record.pid) === record.ownerPid) {
    throw new DevServerStartError(
      `another Smart Sync, pid ${record.ownerPid}, is running on this data folder (${path.dirname(pidFile)}) ` +
        `with its Temporal dev server, pid ${record.pid}, on port ${record.port}: stop it first ` +
        `(Ctrl-C where it runs, or \`kill ${record.ownerPid}\`), or give this one its own SMART_SYNC_DATA_DIR and ports`,
    );
  }
  logger?.warn(
    { pid: record.pid, ownerPid: record.ownerPid, port: record.port, dbFile },
    `found the Temporal dev server (pid ${record.pid}, port ${record.port}) that an earlier Smart Sync ` +
      `(pid ${record.ownerPid}, no longer running) left behind; stopping it and starting a fresh one on the same history`,
  );
  if (!(await stopPid(record.pid))) {
    throw new DevServerStartError(
      `the Temporal dev server left behind by an earlier Smart Sync (pid ${record.pid}, port ${record.port}) ` +
        `does not stop: stop it with \`kill -9 ${record.pid}\` and start again`,
    );
  }
  rmSync(pidFile, { force: true });
  return 'stopped';
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isProcessAlive(pid);
}

/** SIGTERM (it closes its db cleanly), then SIGKILL; true once the process is gone. */
async function stopPid(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return !isProcessAlive(pid);
  }
  if (await waitForExit(pid, 10_000)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
  return waitForExit(pid, 5_000);
}

// ---------------------------------------------------------------------------------------
// Keeping it running under the service.

export interface DevServerSupervision {
  logger?: Logger;
  /** Restarts in a row (each dying or failing to start soon after the last) before giving up. */
  maxRestarts?: number;
  /** Delay before the nth restart in a row; the last one repeats. */
  restartDelaysMs?: number[];
  /** A server that ran this long resets the count of restarts in a row. */
  stableAfterMs?: number;
  /** Starts one server (tests pass a fake). */
  start?: (options: DevServerOptions) => Promise<RunningDevServer>;
}

export interface SupervisedDevServer {
  address: string;
  port: number;
  uiUrl: string | undefined;
  namespace: string;
  /** The process running now; undefined between a death and its restart. */
  current(): RunningDevServer | undefined;
  /** For /readyz: ok, or what happened to it and what is being done. */
  status(): { ok: boolean; detail: string };
  /** Resolves with the cause once it has given up restarting it. Never rejects. */
  failed: Promise<Error>;
  /**
   * No restart from now on, though the server keeps running: called first when the
   * service stops, since Ctrl-C in a terminal reaches the dev server too, and its exit then
   * is no crash. The server itself is stopped last, once the workers no longer need it.
   */
  stopRestarting(): void;
  stop(): Promise<void>;
}

/**
 * Starts the dev server and restarts it, on the same port and db file, whenever it exits
 * without stop() having been called: its history is in the file, so a restart loses nothing
 * and the workers and client reconnect by themselves. This is what someone running
 * `npm start` on a laptop expects, with no supervisor to restart the whole process. A server
 * that keeps dying is given up on (`failed`), and the service exits non-zero.
 */
export async function superviseDevServer(
  options: DevServerOptions,
  supervision: DevServerSupervision = {},
): Promise<SupervisedDevServer> {
  const start = supervision.start ?? startDevServer;
  const maxRestarts = supervision.maxRestarts ?? 5;
  const delays = supervision.restartDelaysMs ?? [500, 1_000, 2_000, 5_000, 10_000];
  const stableAfterMs = supervision.stableAfterMs ?? 60_000;
  const logger = supervision.logger ?? options.logger;

  const first = await start(options);
  // A port of 0 was resolved by the first start; restarts must come back on the same one.
  const again: DevServerOptions = { ...options, port: first.port };
  let current: RunningDevServer | undefined = first;
  let startedAt = Date.now();
  let restartsInARow = 0;
  let state = { ok: true, detail: 'running' };
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  let giveUp!: (err: Error) => void;
  const failed = new Promise<Error>((resolve) => (giveUp = resolve));

  const watch = (server: RunningDevServer) => {
    void server.exited.then((exit) => {
      if (stopping || server !== current) return;
      current = undefined;
      if (Date.now() - startedAt >= stableAfterMs) restartsInARow = 0;
      scheduleRestart(describeExit(exit));
    });
  };

  const scheduleRestart = (what: string) => {
    if (restartsInARow >= maxRestarts) {
      state = { ok: false, detail: `${what}; gave up after ${restartsInARow} restarts` };
      const err = new Error(
        `the embedded Temporal dev server ${what}, and ${restartsInARow} restarts in a row did not keep it running`,
      );
      logger?.error({ port: first.port }, err.message);
      giveUp(err);
      return;
    }
    restartsInARow += 1;
    const delay = delays[Math.min(restartsInARow, delays.length) - 1] ?? 1_000;
    state = { ok: false, detail: `${what}; restarting it (attempt ${restartsInARow} of ${maxRestarts})` };
    logger?.warn(
      { port: first.port, attempt: restartsInARow, delayMs: delay },
      `the embedded Temporal dev server ${what}; restarting it on the same history in ${delay} ms`,
    );
    timer = setTimeout(() => {
      timer = undefined;
      if (stopping) return;
      restarting = start(again).then(
        async (server) => {
          if (stopping) return server.stop();
          current = server;
          startedAt = Date.now();
          state = { ok: true, detail: 'running' };
          watch(server);
          logger?.info({ address: server.address }, 'the embedded Temporal dev server is running again');
        },
        (err: Error) => {
          if (!stopping) scheduleRestart(`could not be restarted (${err.message.split('\n')[0]})`);
        },
      );
    }, delay);
  };

  watch(first);
  return {
    address: first.address,
    port: first.port,
    uiUrl: first.uiUrl,
    namespace: first.namespace,
    current: () => current,
    status: () => state,
    failed,
    stopRestarting: () => {
      stopping = true;
      clearTimeout(timer);
    },
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await restarting;
      await current?.stop();
    },
  };
}
