import { Runtime, type Logger as TemporalLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logging/logger';

/** Temporal's own log lines (worker, workflow bundling, SDK core) go through our JSON logger. */
class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const fields = { ...(meta ?? {}) };
    switch (level) {
      case 'TRACE':
        return this.logger.trace(fields, message);
      case 'DEBUG':
        return this.logger.debug(fields, message);
      case 'INFO':
        return this.logger.info(fields, message);
      case 'WARN':
        return this.logger.warn(fields, message);
      default:
        return this.logger.error(fields, message);
    }
  }
  trace(message: string, meta?: LogMetadata) {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata) {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata) {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata) {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata) {
    this.log('ERROR', message, meta);
  }
}

let installed: { metricsUrl?: string } | undefined;

/**
 * Installs the SDK runtime once per process: our logger; the SDK's own metrics (worker
 * task slots, poll latencies, activity and workflow counts, plus the workflow's own
 * `smart_sync_syncs` counter) on a loopback Prometheus endpoint that GET /metrics
 * folds into its answer; and no signal handlers of its own (the service stops its
 * workers itself on SIGINT/SIGTERM, in order).
 */
export function installTemporalRuntime(
  logger: Logger,
  options: { metricsPort?: number } = {},
): { metricsUrl?: string } {
  if (installed) return installed;
  const bindAddress = options.metricsPort !== undefined ? `127.0.0.1:${options.metricsPort}` : undefined;
  try {
    Runtime.install({
      logger: new PinoTemporalLogger(logger.child({ component: 'temporal-sdk' })),
      shutdownSignals: [],
      ...(bindAddress
        ? { telemetryOptions: { metrics: { prometheus: { bindAddress, countersTotalSuffix: true } } } }
        : {}),
    });
    installed = { metricsUrl: bindAddress ? `http://${bindAddress}/metrics` : undefined };
  } catch {
    // Already installed by the embedding process (a test runner, say): keep its choice.
    installed = {};
  }
  return installed;
}
