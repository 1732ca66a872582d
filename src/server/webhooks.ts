import express, { Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../logging/logger';
import { oneflowWebhookSchema, verifyWebhookSignature } from '../oneflow/webhook';
import {
  type StartedRun,
  TemporalUnavailableError,
  type TemporalSyncStarter,
  WebhookReplayError,
} from '../temporal/sync-starter';
import type { WebhookMetrics } from './metrics';

/** Events that start a sync. A re-sign after contract:signature_reset is a new contract:sign. */
const SYNC_EVENT = 'contract:sign';

/**
 * POST /webhooks/oneflow. Oneflow treats any status but 200 as a failure and retries for
 * hours, so: 200 once the sync is durably started (or was already started for this
 * event), 200 for events we ignore, 400 for a body that does not parse, 401 for a bad
 * signature, 503 when Temporal cannot be reached so that Oneflow tries again later.
 */
export function webhookRouter(deps: {
  starter: Pick<TemporalSyncStarter, 'startFromWebhook'>;
  signKey: string;
  logger: Logger;
  metrics?: WebhookMetrics;
}): Router {
  const r = Router();
  const count = (result: string) => deps.metrics?.webhooks.inc({ result });
  r.post('/webhooks/oneflow', express.json({ limit: '256kb', type: () => true }), async (req, res) => {
    const parsed = oneflowWebhookSchema.safeParse(req.body);
    if (!parsed.success) {
      count('invalid');
      res.status(400).json({ error: 'not a Oneflow webhook body', issues: z.prettifyError(parsed.error) });
      return;
    }
    const hook = parsed.data;
    const log = deps.logger.child({ contractId: hook.contract.id, callbackId: hook.callback_id });
    if (!verifyWebhookSignature(hook.callback_id, hook.signature, deps.signKey)) {
      count('bad-signature');
      log.warn('webhook rejected: signature does not match callback_id and the sign key');
      res.status(401).json({ error: 'invalid signature' });
      return;
    }
    const signEvents = hook.events.filter((e) => e.type === SYNC_EVENT);
    if (signEvents.length === 0) {
      count('ignored');
      log.info({ events: hook.events.map((e) => e.type) }, 'webhook ignored: no contract:sign event');
      res.status(200).json({ status: 'ignored', reason: `only ${SYNC_EVENT} events start a sync` });
      return;
    }
    const started: StartedRun[] = [];
    try {
      for (const event of signEvents) {
        started.push(await deps.starter.startFromWebhook(hook.contract.id, event.id, hook.callback_id));
      }
    } catch (err) {
      if (err instanceof WebhookReplayError) {
        count('replayed');
        log.warn(
          { boundTo: err.boundTo, events: signEvents.map((e) => e.id) },
          'webhook rejected: its callback_id already started the sync of another signing',
        );
        res.status(401).json({ error: 'callback_id already used for another signing' });
        return;
      }
      if (err instanceof TemporalUnavailableError) {
        count('unavailable');
        log.error(
          { err: { message: err.message } },
          'webhook not accepted: Temporal is unreachable; Oneflow will retry',
        );
        res
          .status(503)
          .set('Retry-After', '30')
          .json({ error: 'temporarily unable to accept the event; retry later' });
        return;
      }
      count('error');
      log.error({ err }, 'webhook not accepted');
      res.status(500).json({ error: 'internal error' });
      return;
    }
    const duplicate = started.every((s) => s.duplicate);
    count(duplicate ? 'duplicate' : 'accepted');
    for (const s of started) {
      log.info(
        { workflowId: s.workflowId, runId: s.runId, duplicate: s.duplicate },
        s.duplicate ? 'redelivered event: sync already started' : 'sync started',
      );
    }
    res.status(200).json({
      status: duplicate ? 'already-accepted' : 'accepted',
      runs: started.map((s) => ({ workflowId: s.workflowId, runId: s.runId || undefined, link: s.link })),
    });
  });
  return r;
}
