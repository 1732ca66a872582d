import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { createLogger } from '../../src/logging/logger';
import { ensureSearchAttributes } from '../../src/temporal/ensure-search-attributes';
import { workflowsPath } from '../../src/temporal/workers';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { quietTemporalRuntime } from './quiet-runtime';

export type WorkflowBundle = Awaited<ReturnType<typeof bundleWorkflowCode>>;

/**
 * A namespace of the test file's own on the test run's dev server, with our search
 * attributes registered (the workflows upsert them), and one bundle of the workflow code
 * for every test's worker: bundling takes a second or two, a worker from a bundle far less.
 */
export async function workflowTestEnv(): Promise<{
  env: TestWorkflowEnvironment;
  workflowBundle: WorkflowBundle;
}> {
  quietTemporalRuntime();
  const namespace = await createTestNamespace();
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: testTemporalTarget().address,
    namespace,
  });
  await ensureSearchAttributes(env.connection, namespace, createLogger('silent'));
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    logger: new DefaultLogger('ERROR'),
  });
  return { env, workflowBundle };
}
