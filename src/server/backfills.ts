import express, { type Response, Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../logging/logger';
import type { TemporalBackfills } from '../temporal/backfills';
import { TemporalUnavailableError } from '../temporal/sync-starter';
import {
  BACKFILL_ID_PATTERN,
  type BackfillRequest,
  DEFAULT_BACKFILL_IN_FLIGHT,
  MAX_BACKFILL_IN_FLIGHT,
} from '../workflow-contract';
import { type FailureThrottle, requireAdminToken } from './admin-auth';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// A date-time with a time zone: without one the period would depend on the server's zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Whether the calendar day exists (Date.parse takes 2026-11-31 for 1 December). */
function realDay(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

const toInstant = (s: string) => Date.parse(DAY.test(s) ? `${s}T00:00:00Z` : s);

/** "2026-11-01" (midnight UTC) or an ISO 8601 date-time with its zone, as ISO in UTC. */
const instant = (field: string) =>
  z
    .string({
      error: `${field} must be a date such as "2026-11-01" or a date-time such as "2026-11-01T00:00:00Z"`,
    })
    .trim()
    .refine((s) => (DAY.test(s) || DATE_TIME.test(s)) && realDay(s) && !Number.isNaN(toInstant(s)), {
      error: `${field} must be a date such as "2026-11-01" (midnight UTC) or a date-time with a time zone such as "2026-11-01T08:00:00+01:00"`,
    })
    .transform((s) => new Date(toInstant(s)).toISOString());

const requestSchema = z.strictObject({
  signedSince: instant('signedSince'),
  signedUntil: instant('signedUntil').optional(),
  dryRun: z.boolean({ error: 'dryRun must be true or false' }).default(false),
  maxInFlight: z
    .int({ error: `maxInFlight must be a whole number from 1 to ${MAX_BACKFILL_IN_FLIGHT}` })
    .min(1, { error: `maxInFlight must be a whole number from 1 to ${MAX_BACKFILL_IN_FLIGHT}` })
    .max(MAX_BACKFILL_IN_FLIGHT, {
      error: `maxInFlight must be at most ${MAX_BACKFILL_IN_FLIGHT}: more would crowd out the live syncs`,
    })
    .optional(),
});

export type ParsedBackfillRequest = { ok: true; value: BackfillRequest } | { ok: false; errors: string[] };

/**
 * A backfill request as the API and the CLI send it. The period is fixed here: signedUntil
 * defaults to now, so that the backfill's list does not grow while it runs (later
 * signings come by webhook).
 */
export function parseBackfillRequest(body: unknown, now: Date): ParsedBackfillRequest {
  const parsed = requestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys'
          ? `unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}: a backfill takes signedSince, signedUntil, dryRun and maxInFlight`
          : i.path.length > 0 && !i.message.startsWith(String(i.path[0]))
            ? `${i.path.join('.')}: ${i.message}`
            : i.message,
      ),
    };
  }
  const { signedSince, dryRun, maxInFlight } = parsed.data;
  const signedUntil = parsed.data.signedUntil ?? now.toISOString();
  if (signedSince >= signedUntil) {
    return {
      ok: false,
      errors: [
        parsed.data.signedUntil === undefined
          ? `signedSince (${signedSince}) is not in the past: nothing can have been signed since then`
          : `signedSince (${signedSince}) must be before signedUntil (${signedUntil})`,
      ],
    };
  }
  // The default goes into the request: a later change of it never changes a running backfill.
  return {
    ok: true,
    value: { signedSince, signedUntil, dryRun, maxInFlight: maxInFlight ?? DEFAULT_BACKFILL_IN_FLIGHT },
  };
}

function temporalUnavailable(res: Response, err: unknown): boolean {
  if (!(err instanceof TemporalUnavailableError)) return false;
  res.status(503).json({ error: err.message });
  return true;
}

/**
 * POST /api/backfills starts a backfill (202 with its id), GET /api/backfills lists the
 * latest, GET /api/backfills/{id} answers its progress (or its result once it ended), and
 * POST /api/backfills/{id}/cancel cancels it. Admin token as the rest of the admin API.
 */
export function backfillsRouter(deps: {
  backfills: TemporalBackfills;
  adminToken: string;
  logger: Logger;
  authThrottle?: FailureThrottle;
  now?: () => Date;
}): Router {
  const r = Router();
  const now = deps.now ?? (() => new Date());
  const auth = requireAdminToken(deps.adminToken, { logger: deps.logger, throttle: deps.authThrottle });
  r.use('/api/backfills', auth, express.json({ limit: '16kb' }), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  const knownId = (raw: string, res: Response): boolean => {
    if (BACKFILL_ID_PATTERN.test(raw)) return true;
    res.status(400).json({
      error: `"${raw.slice(0, 80)}" is not a backfill id (smart-sync-backfill-…, as POST /api/backfills answered)`,
    });
    return false;
  };

  r.post('/api/backfills', async (req, res) => {
    const parsed = parseBackfillRequest(req.body, now());
    if (!parsed.ok) {
      res.status(400).json({ error: 'invalid backfill request', errors: parsed.errors });
      return;
    }
    try {
      const started = await deps.backfills.start(parsed.value);
      deps.logger.info({ ...parsed.value, backfillId: started.backfillId }, 'backfill started');
      res.status(202).json({ ...started, ...parsed.value });
    } catch (err) {
      if (temporalUnavailable(res, err)) return;
      throw err;
    }
  });

  r.get('/api/backfills', async (_req, res) => {
    try {
      res.json({ backfills: await deps.backfills.list() });
    } catch (err) {
      if (temporalUnavailable(res, err)) return;
      throw err;
    }
  });

  r.get('/api/backfills/:id', async (req, res) => {
    if (!knownId(req.params.id, res)) return;
    try {
      const status = await deps.backfills.status(req.params.id);
      if (!status) {
        res.status(404).json({ error: `no backfill ${req.params.id}` });
        return;
      }
      res.json(status);
    } catch (err) {
      if (temporalUnavailable(res, err)) return;
      throw err;
    }
  });

  r.post('/api/backfills/:id/cancel', async (req, res) => {
    if (!knownId(req.params.id, res)) return;
    try {
      if (!(await deps.backfills.cancel(req.params.id))) {
        res.status(404).json({ error: `no backfill ${req.params.id}` });
        return;
      }
      deps.logger.info({ backfillId: req.params.id }, 'backfill cancelled');
      res.status(202).json({ backfillId: req.params.id, cancelRequested: true });
    } catch (err) {
      if (temporalUnavailable(res, err)) return;
      throw err;
    }
  });

  return r;
}
