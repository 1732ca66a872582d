import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger as SdkLogger } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * The workflow code every worker runs, bundled once by `npm run build` (the SDK's
 * `bundleWorkflowCode`) into dist/, so that every replica of a deploy runs byte for byte
 * the same workflow code and starts without bundling. Its build id is a hash of that code:
 * two replicas with the same build id run the same workflows, and a deploy can be traced
 * from a worker's log line or its `smart_sync_workflow_build_info` metric.
 */

/** dist/workflow-bundle.js, beside dist/workflows/ (src/workflow-bundle.js never exists). */
export const WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

export interface WorkflowBundle {
  code: string;
  /** `wf-` and the first 16 hex digits of the code's SHA-256. */
  buildId: string;
  /** Where the code came from: the file `npm run build` wrote, or bundled by this process. */
  source: 'prebuilt' | 'bundled at start';
  /** The prebuilt file, when that is the source. */
  file?: string;
  /** Why a prebuilt file was passed over (older than the compiled workflows beside it). */
  stale?: string;
}

export function workflowsPath(): string {
  // Resolves to src/workflows/index.ts under ts tooling and dist/workflows/index.js when built.
  return require.resolve(path.join(__dirname, '..', 'workflows'));
}

export function workflowBuildId(code: string): string {
  return `wf-${createHash('sha256').update(code).digest('hex').slice(0, 16)}`;
}

/** Bundles src/workflows (or dist/workflows once compiled) and everything it imports. */
export async function bundleWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
  return code;
}

/** `npm run build`'s last step: writes the bundle and answers its build id. */
export async function writeWorkflowBundle(
  file = WORKFLOW_BUNDLE_PATH,
): Promise<{ file: string; buildId: string }> {
  const code = await bundleWorkflows();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, code);
  return { file, buildId: workflowBuildId(code) };
}

let bundledHere: Promise<string> | undefined;

/**
 * The prebuilt bundle when there is one (a built install: `node dist/…`); otherwise, run from
 * the TypeScript sources (tests, `tsx`), the workflows are bundled in this process, once
 * however many workers it starts.
 */
export async function loadWorkflowBundle(file = WORKFLOW_BUNDLE_PATH): Promise<WorkflowBundle> {
  const stale = existsSync(file) ? newerSource(file) : undefined;
  if (existsSync(file) && stale === undefined) {
    const code = readFileSync(file, 'utf8');
    return { code, buildId: workflowBuildId(code), source: 'prebuilt', file };
  }
  bundledHere ??= bundleWorkflows();
  bundledHere.catch(() => (bundledHere = undefined));
  const code = await bundledHere;
  return {
    code,
    buildId: workflowBuildId(code),
    source: 'bundled at start',
    ...(stale ? { stale: `${file} is older than ${stale}: \`tsc\` ran without the bundle step` } : {}),
  };
}

/**
 * A compiled workflow file newer than the bundle: `tsc` ran alone (not `npm run build`), and
 * the bundle would run yesterday's workflows while the activities are today's.
 */
function newerSource(file: string): string | undefined {
  const bundledAt = statSync(file).mtimeMs;
  const dist = path.dirname(file);
  for (const folder of ['workflows', 'workflow-contract']) {
    const dir = path.join(dist, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.js') && statSync(path.join(dir, name)).mtimeMs > bundledAt)
        return path.join(dir, name);
    }
  }
  return undefined;
}

/** webpack's progress lines are noise in a build's output; warnings and errors still show. */
const quietBundlerLogger: SdkLogger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  log: () => {},
  warn: (message, meta) =>
    void process.stderr.write(`workflow bundle: ${message} ${JSON.stringify(meta ?? {})}\n`),
  error: (message, meta) =>
    void process.stderr.write(`workflow bundle: ${message} ${JSON.stringify(meta ?? {})}\n`),
};
