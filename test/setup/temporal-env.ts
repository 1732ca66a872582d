/** The dev server the global setup started; fails loudly when a test runs without it. */
export function testTemporalTarget(): { address: string; namespace: string } {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) {
    throw new Error('TEMPORAL_TEST_ADDRESS is not set: run this test through jest so that its globalSetup starts Temporal');
  }
  return { address, namespace: process.env.TEMPORAL_TEST_NAMESPACE ?? 'default' };
}
