import express from 'express';
import { listen } from '../../src/emulators/control-plane';

export interface ReceivedWebhook {
  /** Milliseconds since the receiver started. */
  at: number;
  body: Record<string, unknown>;
  contentType: string | undefined;
}

/**
 * A stand-in for Smart Sync's webhook endpoint: records every POST and answers with the
 * status `statusFor(n)` chooses for the n-th call (1-based).
 */
export async function startWebhookReceiver(statusFor: (n: number) => number = () => 200) {
  const started = Date.now();
  const received: ReceivedWebhook[] = [];
  let chooseStatus = statusFor;
  const app = express();
  app.post('/hooks/oneflow', express.json(), (req, res) => {
    received.push({
      at: Date.now() - started,
      body: req.body as Record<string, unknown>,
      contentType: req.get('content-type'),
    });
    res.status(chooseStatus(received.length)).json({ ok: true });
  });
  const server = await listen(app, 0);
  return {
    url: `${server.origin}/hooks/oneflow`,
    received,
    respondWith(fn: (n: number) => number) {
      chooseStatus = fn;
    },
    clear() {
      received.length = 0;
    },
    close: () => server.close(),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
