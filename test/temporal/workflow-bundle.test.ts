import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadWorkflowBundle,
  WORKFLOW_BUNDLE_PATH,
  workflowBuildId,
  writeWorkflowBundle,
} from '../../src/temporal/workflow-bundle';

/**
 * `npm run build` bundles the workflows once; workers load that file and name its build id.
 * Run from the TypeScript sources (as here), there is no prebuilt file, so the path points
 * at one that never exists and the workers bundle in their own process.
 */
jest.setTimeout(120_000);

describe('the workflow bundle', () => {
  let dist: string;
  let written: { file: string; buildId: string };

  beforeAll(async () => {
    dist = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-dist-'));
    written = await writeWorkflowBundle(path.join(dist, 'workflow-bundle.js'));
  });

  it('is bundled into one file with every workflow the workers register', () => {
    const code = readFileSync(written.file, 'utf8');
    // The names src/workflows/index.ts exports, as the bundle registers them.
    for (const name of ['smartSync', 'contractSyncs']) expect(code).toContain(name);
    expect(written.buildId).toBe(workflowBuildId(code));
    expect(written.buildId).toMatch(/^wf-[0-9a-f]{16}$/);
  });

  it('has a build id that names the code: the same code the same id, other code another', () => {
    expect(workflowBuildId('a')).toBe(workflowBuildId('a'));
    expect(workflowBuildId('a')).not.toBe(workflowBuildId('b'));
  });

  it('is loaded as it was built, without bundling again', async () => {
    const started = Date.now();
    const loaded = await loadWorkflowBundle(written.file);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(loaded).toMatchObject({ source: 'prebuilt', file: written.file, buildId: written.buildId });
    expect(loaded.stale).toBeUndefined();
  });

  it('is passed over, and the workflows bundled here, when a compiled workflow is newer than it', async () => {
    mkdirSync(path.join(dist, 'workflows'), { recursive: true });
    const compiled = path.join(dist, 'workflows', 'index.js');
    writeFileSync(compiled, '// compiled by a tsc that ran alone\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(compiled, later, later);
    const loaded = await loadWorkflowBundle(written.file);
    expect(loaded.source).toBe('bundled at start');
    expect(loaded.stale).toContain(compiled);
    // The sources bundle to the same code the file was written from.
    expect(loaded.buildId).toBe(written.buildId);
  });

  it('is looked for beside the compiled code: from the sources, at src/workflow-bundle.js, which no build writes', () => {
    expect(WORKFLOW_BUNDLE_PATH).toBe(path.join(__dirname, '..', '..', 'src', 'workflow-bundle.js'));
  });
});
