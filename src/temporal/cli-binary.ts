import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Finds the Temporal CLI (which carries the dev server and its Web UI) or obtains it, in this
 * order: TEMPORAL_CLI_PATH, PATH, Go's bin folder, `go install` where Go is present, else the
 * Temporal SDK's download. Offline machines with Go take the `go install` road; a machine with
 * internet and no Go lets the SDK download it.
 */

/** v1.5.1 is the last tag `go install` accepts: later ones carry a replace directive. */
export const TEMPORAL_CLI_GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'go-bin' | 'go-install' | 'sdk-download';

export interface TemporalCli {
  path: string;
  source: TemporalCliSource;
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress and decisions, one human-readable line at a time. */
  report?: (line: string) => void;
  /** When false, only look; never build or download. */
  obtain?: boolean;
}

export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const exeName = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exeName);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function goBinary(env: NodeJS.ProcessEnv): string | undefined {
  const probe = spawnSync('go', ['version'], { env, encoding: 'utf8' });
  return probe.status === 0 ? 'go' : undefined;
}

/** Where `go install` puts binaries: GOBIN, else GOPATH/bin (first entry), else ~/go/bin. */
function goBinDir(env: NodeJS.ProcessEnv): string {
  const res = spawnSync('go', ['env', 'GOBIN', 'GOPATH'], { env, encoding: 'utf8' });
  if (res.status === 0) {
    const [gobin, gopath] = res.stdout.split('\n').map((s) => s.trim());
    if (gobin) return gobin;
    const first = gopath?.split(path.delimiter)[0];
    if (first) return path.join(first, 'bin');
  }
  return path.join(env.GOPATH?.split(path.delimiter)[0] || path.join(os.homedir(), 'go'), 'bin');
}

function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** `go install`, streaming progress: modules fetched so far, then the compile phase. */
async function goInstall(env: NodeJS.ProcessEnv, report: (line: string) => void): Promise<void> {
  report(
    `Building the Temporal CLI with Go: go install ${TEMPORAL_CLI_GO_PACKAGE} ` +
      '(first time only; it downloads its modules and compiles for a few minutes)',
  );
  const started = Date.now();
  let downloaded = 0;
  let lastLine = '';
  const child = spawn('go', ['install', TEMPORAL_CLI_GO_PACKAGE], {
    env: { ...env, CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      if (line.startsWith('go: downloading')) downloaded += 1;
      else {
        tail.push(line);
        if (tail.length > 30) tail.shift();
      }
      lastLine = line;
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const ticker = setInterval(() => {
    const phase = lastLine.startsWith('go: downloading') ? 'downloading modules' : 'compiling';
    report(`  … ${phase}: ${downloaded} modules fetched, ${formatElapsed(Date.now() - started)} elapsed`);
  }, 15_000);
  try {
    const code: number = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c ?? 1));
    });
    if (code !== 0) {
      throw new TemporalCliNotFoundError(
        `go install ${TEMPORAL_CLI_GO_PACKAGE} failed (exit ${code}):\n${tail.join('\n')}`,
      );
    }
  } finally {
    clearInterval(ticker);
  }
  report(`Built the Temporal CLI in ${formatElapsed(Date.now() - started)} (${downloaded} modules fetched).`);
}

/**
 * The SDK's own download (from temporal.download), for machines without Go. The SDK
 * only downloads as part of starting a server, so start a throwaway one and keep the
 * cached binary it leaves behind.
 */
async function sdkDownload(report: (line: string) => void): Promise<string> {
  report('Go is not installed: downloading the Temporal CLI through the Temporal SDK (needs internet).');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const { version } = (await import('@temporalio/testing/package.json')) as { version: string };
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', ttl: '365d' } },
  });
  await env.teardown();
  const cached = path.join(os.tmpdir(), `temporal-sdk-typescript-${version}`);
  if (!isExecutableFile(cached)) {
    throw new TemporalCliNotFoundError(`the SDK download finished but ${cached} is not an executable file`);
  }
  return cached;
}

export async function findTemporalCli(options: FindOptions = {}): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const report = options.report ?? (() => {});
  const obtain = options.obtain ?? true;

  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH=${explicit}: no such file`);
    }
    if (!isExecutableFile(explicit)) {
      throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH=${explicit}: not an executable file`);
    }
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }

  const fromPath = onPath(env);
  if (fromPath) return { path: fromPath, source: 'PATH' };

  const hasGo = goBinary(env) !== undefined;
  if (hasGo) {
    const inGoBin = path.join(goBinDir(env), exeName);
    if (isExecutableFile(inGoBin)) return { path: inGoBin, source: 'go-bin' };
    if (!obtain)
      throw new TemporalCliNotFoundError(`the Temporal CLI is not built yet (expected ${inGoBin})`);
    await goInstall(env, report);
    if (!isExecutableFile(inGoBin)) {
      throw new TemporalCliNotFoundError(`go install reported success but ${inGoBin} is missing`);
    }
    return { path: inGoBin, source: 'go-install' };
  }

  if (!obtain)
    throw new TemporalCliNotFoundError('the Temporal CLI is not installed and Go is not available');
  return { path: await sdkDownload(report), source: 'sdk-download' };
}

export function describeCliSource(cli: TemporalCli): string {
  switch (cli.source) {
    case 'TEMPORAL_CLI_PATH':
      return `Temporal CLI from TEMPORAL_CLI_PATH: ${cli.path}`;
    case 'PATH':
      return `Temporal CLI found on PATH: ${cli.path}`;
    case 'go-bin':
      return `Temporal CLI found in Go's bin folder: ${cli.path}`;
    case 'go-install':
      return `Temporal CLI built with go install: ${cli.path}`;
    case 'sdk-download':
      return `Temporal CLI downloaded by the Temporal SDK: ${cli.path}`;
  }
}
