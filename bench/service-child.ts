import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { childPids } from './memory';
import type { BenchServiceOverrides, ServiceMessage } from './service-process';

export interface ServiceChild {
  url: string;
  pid: number;
  /** The embedded Temporal dev server the service started (Linux only). */
  devServerPid: number | undefined;
  /** The Temporal the service talks to (its embedded dev server), for reading histories. */
  temporalAddress: string;
  logFile: string;
  stop(): Promise<void>;
}

const ENTRY = path.join(__dirname, 'service-process.ts');

/** Starts bench/service-process.ts through tsx and waits until it serves. */
export async function startServiceChild(options: {
  env: Record<string, string>;
  overrides: BenchServiceOverrides;
  logFile: string;
  startTimeoutMs?: number;
}): Promise<ServiceChild> {
  const log = openSync(options.logFile, 'a');
  // BENCH_SERVICE_NODE_ARGS passes Node flags to the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ENTRY], {
    env: { ...process.env, ...options.env, BENCH_SERVICE_OVERRIDES: JSON.stringify(options.overrides) },
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const tail = () => readFileSync(options.logFile, 'utf8').split('\n').slice(-30).join('\n');

  const ready = await new Promise<Extract<ServiceMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`the service did not start within ${options.startTimeoutMs ?? 180_000} ms:\n${tail()}`),
      );
    }, options.startTimeoutMs ?? 180_000);
    child.once('message', (m: ServiceMessage) => {
      clearTimeout(timer);
      if (m.type === 'ready') resolve(m);
      else reject(new Error(`the service could not start: ${m.message}\n${tail()}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code ?? signal}) while starting:\n${tail()}`));
    });
  });

  const devServerPid = childPids(child.pid!, /temporal/)[0];
  return {
    url: ready.url,
    pid: child.pid!,
    devServerPid,
    temporalAddress: ready.temporalAddress,
    logFile: options.logFile,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => {
          child.kill('SIGKILL');
          if (devServerPid) {
            try {
              process.kill(devServerPid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }, 30_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}
