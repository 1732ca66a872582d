import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** `smart-sync start` as a deployment runs it: its own process, configured only by its environment. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

const ROOT = path.join(__dirname, '..', '..');

/** Starts the service on `port` with `env` (beside PATH and HOME) and resolves once /readyz answers 200. */
export async function startServiceProcess(
  port: number,
  env: Record<string, string | undefined>,
): Promise<ServiceProcess> {
  let output = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'smart-sync.ts'), 'start'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const running: ServiceProcess = {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`exited:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (ready?.status === 200) return running;
    if (i > 240) {
      await running.stop();
      throw new Error(`not ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
