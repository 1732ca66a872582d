import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * The workflow tests fail activities on purpose; the SDK logs each such failure as a
 * warning (from its native core straight to stderr). Only errors are worth reading here.
 * The runtime can be installed once per process: when another test file in this jest
 * worker already did, its choice stays.
 */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // already installed
  }
}
