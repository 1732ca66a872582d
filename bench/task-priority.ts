/**
 * Does the Temporal dev server hand out a rate-limited queue's backlog in priority order?
 * `npx tsx bench/task-priority.ts` answers for the CLI the service finds, with and without
 * `matching.useNewMatcher` (the server's priority-aware matcher), in about a minute.
 *
 * A backlog of 30 low-priority activities (priorityKey 5, as a backfill's) is queued on a
 * task queue limited to 3 activities a second, then 5 high-priority ones (3, as a webhook
 * sync's). Where priority is honoured the 5 run within the next few tasks; where it is not,
 * they wait behind the whole backlog (about ten seconds).
 */
import { spawn } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { findTemporalCli } from '../src/temporal/cli-binary';
import { freePort } from '../src/temporal/dev-server';

async function measure(
  cliPath: string,
  newMatcher: boolean,
): Promise<{ positions: number[]; waitMs: number }> {
  const port = await freePort();
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'error',
  ];
  if (newMatcher) args.push('--dynamic-config-value', 'matching.useNewMatcher=true');
  const server = spawn(cliPath, args, { stdio: 'ignore' });
  try {
    let connection: Connection | undefined;
    for (let i = 0; i < 100 && !connection; i++) {
      connection = await Connection.connect({ address: `127.0.0.1:${port}` }).catch(async () => {
        await new Promise((r) => setTimeout(r, 200));
        return undefined;
      });
    }
    if (!connection) throw new Error('the dev server did not start');
    const client = new Client({ connection });
    const taskQueue = 'priority-check';
    const activityQueue = 'priority-check-limited';
    const order: string[] = [];
    let highQueuedAt = 0;
    let highDoneAt = 0;
    const nativeConnection = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
    const workflows = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./task-priority-workflow'),
    });
    const makeActivities = () =>
      Worker.create({
        connection: nativeConnection,
        taskQueue: activityQueue,
        maxTaskQueueActivitiesPerSecond: 3,
        activities: {
          tick: async (label: string) => {
            order.push(label);
            if (label === 'high' && order.filter((l) => l === 'high').length === 5) highDoneAt = Date.now();
          },
        },
      });
    await workflows.runUntil(async () => {
      // The backlog builds while no activity worker polls.
      const low = await client.workflow.start('prioritizedTicks', {
        taskQueue,
        workflowId: 'low',
        args: [{ label: 'low', count: 30, priorityKey: 5, taskQueue: activityQueue }],
      });
      await new Promise((r) => setTimeout(r, 1500));
      const high = await client.workflow.start('prioritizedTicks', {
        taskQueue,
        workflowId: 'high',
        args: [{ label: 'high', count: 5, priorityKey: 3, taskQueue: activityQueue }],
      });
      await new Promise((r) => setTimeout(r, 1500));
      highQueuedAt = Date.now();
      const activities = await makeActivities();
      await activities.runUntil(Promise.all([low.result(), high.result()]));
    });
    await nativeConnection.close();
    await connection.close();
    return {
      positions: order.flatMap((l, i) => (l === 'high' ? [i + 1] : [])),
      waitMs: highDoneAt - highQueuedAt,
    };
  } finally {
    server.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = await findTemporalCli({ obtain: false });
  for (const newMatcher of [false, true]) {
    const { positions, waitMs } = await measure(cli.path, newMatcher);
    process.stdout.write(
      `matching.useNewMatcher=${String(newMatcher).padEnd(5)}  the 5 high-priority activities ran at positions ${positions.join(', ')} of 35; ` +
        `the last ${(waitMs / 1000).toFixed(1)} s after they were queued behind 30 low-priority ones\n`,
    );
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
