import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '../../src/temporal/workers';
import { quietTemporalRuntime } from './quiet-runtime';

/**
 * Determinism: the committed histories of the released workflow (closed runs, and one
 * still open, waiting on a retry) replay against today's workflow code without a
 * non-determinism error. A change to the workflow that would break runs already in
 * flight fails here. Replay is offline: no Temporal server is needed.
 *
 * The histories are recorded with scripts/record-workflow-histories.ts; its header says
 * when to add new ones (a change on purpose, guarded with patched()) and when old ones may go.
 */
const HISTORIES_DIR = path.join(__dirname, 'histories');
const REQUIRED = [
  'clean-sync',
  'clean-sync.v4',
  'partial-failure',
  'waiting-on-retry',
  'contract-queue.v1',
  'backfill.v1',
  'reconcile.v1',
];

function historyFiles(): string[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** The workflow id a history is replayed under: `history-<file name>`, as the script recorded it. */
const workflowIdOf = (file: string) => `history-${path.basename(file, '.json')}`;

describe('replay of the committed workflow histories', () => {
  // The replay worker's own warnings repeat what the failure message says.
  beforeAll(quietTemporalRuntime);

  it('holds the required histories, each a proper proto JSON history of a smartSync or contractSyncs run', () => {
    const names = historyFiles().map((f) => path.basename(f, '.json'));
    expect(names).toEqual(expect.arrayContaining(REQUIRED));
    for (const file of historyFiles()) {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect({ file, workflowType: started?.workflowType?.name }).toEqual({
        file,
        workflowType: file.startsWith('contract-queue')
          ? 'contractSyncs'
          : file.startsWith('backfill')
            ? 'backfill'
            : file.startsWith('reconcile')
              ? 'reconcileSignings'
              : 'smartSync',
      });
    }
  });

  it('replays every history without a non-determinism error', async () => {
    const files = historyFiles();
    const histories = files.map((file) => ({
      workflowId: workflowIdOf(file),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
    }));
    const failures: string[] = [];
    const replayed: string[] = [];
    // One replay worker, one bundle, every history.
    for await (const result of Worker.runReplayHistories({ workflowsPath: workflowsPath() }, histories)) {
      replayed.push(result.workflowId);
      if (result.error) {
        const err = result.error as Error;
        failures.push(`${result.workflowId}: ${err.name}: ${err.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(replayed.sort()).toEqual(files.map(workflowIdOf).sort());
  });
});
