/** The dev server the global setup started; fails loudly when a test runs without it. */
export function testTemporalTarget(): { address: string; namespace: string } {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) {
    throw new Error(
      'TEMPORAL_TEST_ADDRESS is not set: run this test through jest so that its globalSetup starts Temporal',
    );
  }
  return { address, namespace: process.env.TEMPORAL_TEST_NAMESPACE ?? 'default' };
}

/**
 * A namespace of its own for one test file, so that runs, workflow ids and search
 * attributes of test files running side by side never meet.
 */
export async function createTestNamespace(): Promise<string> {
  const { Connection } = await import('@temporalio/client');
  const { randomUUID } = await import('node:crypto');
  const { msToTs } = await import('@temporalio/common/lib/time');
  const namespace = `test-${randomUUID().slice(0, 8)}`;
  const connection = await Connection.connect({ address: testTemporalTarget().address });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    // The frontend learns of a new namespace through its cache: wait until it answers.
    for (let i = 0; i < 100; i++) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
        return namespace;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`namespace ${namespace} did not become available`);
  } finally {
    await connection.close();
  }
}
