import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { EmulatorActionError, type ActionResult, type OneflowEmulator } from './oneflow-emulator';
import { rateLimitConfigSchema } from './rate-limiter';

/**
 * Oneflow-specific control calls, mounted beside the shared control plane under
 * /_emulator: they stand in for what people do in Oneflow's app (sign, decline, publish)
 * and for the webhook settings entered there.
 */

const eventRequestSchema = z.strictObject({
  // Oneflow's event types are `subject[:attribute]:verb`, e.g. contract:sign.
  type: z.string().regex(/^[a-z_]+(:[a-z_]+)+$/, 'an event type looks like "contract:sign"'),
  /** Send this signature instead of the right one (to test a receiver's check). */
  signature: z.string().optional(),
});

function contractId(req: Request, res: Response): number | undefined {
  const raw = String(req.params.id);
  if (/^\d+$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  res.status(400).json({ error: `contract id must be a positive integer, got "${raw}"` });
  return undefined;
}

function invalid(res: Response, what: string, err: z.ZodError): void {
  res.status(400).json({ error: `invalid ${what}`, issues: z.prettifyError(err) });
}

function answer(res: Response, action: () => ActionResult): void {
  try {
    res.json(action());
  } catch (err) {
    if (err instanceof EmulatorActionError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    throw err;
  }
}

export function controlRouter(emulator: OneflowEmulator): Router {
  const r = express.Router();
  r.use(express.json({ limit: '10mb' }));

  r.get('/webhooks', (_req, res) => {
    res.json(emulator.deliveries());
  });
  r.delete('/webhooks', (_req, res) => {
    emulator.clearDeliveries();
    res.status(204).end();
  });

  // Oneflow retrying a call it took for failed: the same body, same callback_id.
  r.post('/webhooks/:callbackId/redeliver', (req, res) => {
    try {
      res.json(emulator.redeliver(String(req.params.callbackId)));
    } catch (err) {
      if (err instanceof EmulatorActionError) {
        res.status(err.status).json({ error: err.message });
        return;
      }
      throw err;
    }
  });

  r.get('/webhook', (_req, res) => {
    res.json(emulator.webhookSettings());
  });
  // Fields left out keep their value; null clears url or signKey.
  r.put('/webhook', (req, res) => {
    try {
      emulator.configureWebhook(req.body ?? {});
      res.json(emulator.webhookSettings());
    } catch (err) {
      if (err instanceof z.ZodError) return invalid(res, 'webhook settings', err);
      throw err;
    }
  });

  const setRateLimit = (req: Request, res: Response) => {
    const parsed = rateLimitConfigSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, 'rate limit', parsed.error);
    emulator.rateLimiter.configure(parsed.data);
    res.json(emulator.rateLimiter.settings);
  };
  r.get('/rate-limit', (_req, res) => {
    res.json(emulator.rateLimiter.settings);
  });
  r.post('/rate-limit', setRateLimit);
  r.put('/rate-limit', setRateLimit);

  r.put('/contracts/:id', (req, res) => {
    const id = contractId(req, res);
    if (id === undefined) return;
    const body = { ...(req.body ?? {}), id };
    try {
      res.json(emulator.putContract(body));
    } catch (err) {
      if (err instanceof z.ZodError) return invalid(res, 'contract', err);
      throw err;
    }
  });

  const action = (name: string, run: (id: number) => ActionResult) =>
    r.post(`/contracts/:id/${name}`, (req, res) => {
      const id = contractId(req, res);
      if (id !== undefined) answer(res, () => run(id));
    });
  action('sign', (id) => emulator.sign(id));
  action('signature-reset', (id) => emulator.signatureReset(id));
  action('publish', (id) => emulator.publish(id));
  action('decline', (id) => emulator.decline(id));

  r.post('/contracts/:id/events', (req, res) => {
    const id = contractId(req, res);
    if (id === undefined) return;
    const parsed = eventRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, 'event', parsed.error);
    answer(res, () => emulator.emitEvent(id, parsed.data.type, parsed.data.signature));
  });

  return r;
}
