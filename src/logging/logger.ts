import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs, one object per line. Secrets are redacted by key wherever they appear, as
 * a second line of defence: code should never log them in the first place.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'smart-sync' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        '*.authorization',
        '*.Authorization',
        '*.apiToken',
        '*.accessToken',
        '*.adminToken',
        '*.signKey',
        '*.webhookSignKey',
        'headers["x-oneflow-api-token"]',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
