import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { EmulatorControl, listen } from '../control-plane';
import { apiRouter } from './api-routes';
import { contractFilesControlRouter, contractFilesStorageRouter } from './contract-file-routes';
import { controlRouter } from './control-routes';
import { oneflowDemoSeed } from './demo-seed';
import { oneflowError } from './error-bodies';
import { type ActionResult, OneflowEmulator, type OneflowEmulatorOptions } from './oneflow-emulator';
import type { RateLimitConfig } from './rate-limiter';
import type { OneflowSeedInput } from './seed-document';

export {
  OneflowEmulator,
  EmulatorActionError,
  type ActionResult,
  type OneflowEmulatorOptions,
} from './oneflow-emulator';
export type { OneflowApiContract } from './contract-shape';
export type { OneflowSeedInput, ContractSeedInput } from './seed-document';
export { oneflowSeedSchema } from './seed-document';
export type { WebhookDelivery, WebhookBody } from './webhook-dispatcher';
export { RETRY_DELAYS_SECONDS, MAX_ATTEMPTS } from './webhook-dispatcher';
export * from './demo-seed';

export interface OneflowEmulatorApp {
  app: Express;
  control: EmulatorControl;
  emulator: OneflowEmulator;
}

/**
 * Builds the emulator's express app: the control plane first (never subject to faults
 * or auth), then fault injection and the request log, then the /v1 API with its token
 * check and rate limit. Faults come before auth so that an injected 503 answers whatever
 * token the caller sends, as an outage of the real service would.
 */
export function createOneflowEmulator(options: OneflowEmulatorOptions = {}): OneflowEmulatorApp {
  const emulator = new OneflowEmulator(options);
  const control = new EmulatorControl(emulator.hooks());
  const app = express();
  app.disable('x-powered-by');
  app.use('/_emulator', contractFilesControlRouter(emulator));
  app.use('/_emulator', control.router());
  app.use('/_emulator', controlRouter(emulator));
  app.use(express.json({ limit: '10mb' }));
  app.use(control.middleware());
  app.use('/v1', apiRouter(emulator));
  // Oneflow's file storage, where a download's 302 leads: no token, but subject to faults.
  app.use('/_storage', contractFilesStorageRouter(emulator));
  app.use((_req: Request, res: Response) => {
    res.status(404).json(oneflowError(404, 'Not found.'));
  });
  // A body that is not JSON, or any other failure: answered in Oneflow's error format.
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json(oneflowError(status, status === 500 ? 'Internal server error.' : err.message));
  });
  return { app, control, emulator };
}

export interface StartOneflowEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** A seed document; omitted, the demo data set is loaded. */
  seed?: OneflowSeedInput;
  webhookUrl?: string | null;
  signKey?: string | null;
  retryScale?: number;
  webhookTimeoutMs?: number;
  rateLimit?: Partial<RateLimitConfig>;
}

export interface RunningOneflowEmulator extends OneflowEmulatorApp {
  origin: string;
  port: number;
  /** origin + '/v1', what ONEFLOW_API_URL should be. */
  apiUrl: string;
  sign(id: number): ActionResult;
  signatureReset(id: number): ActionResult;
  /** Resolves when no webhook delivery is pending. */
  settled(): Promise<void>;
  /** Stops webhook retries, then the server. */
  close(): Promise<void>;
}

export async function startOneflowEmulator(
  options: StartOneflowEmulatorOptions = {},
): Promise<RunningOneflowEmulator> {
  const built = createOneflowEmulator(options);
  built.emulator.seed(options.seed ?? oneflowDemoSeed);
  // Options name the caller's intent, so they win over the seed's webhook settings.
  const explicit = {
    ...(options.webhookUrl !== undefined ? { url: options.webhookUrl } : {}),
    ...(options.signKey !== undefined ? { signKey: options.signKey } : {}),
  };
  built.emulator.configureWebhook(explicit);
  const server = await listen(built.app, options.port ?? 0, options.host);
  return {
    ...built,
    origin: server.origin,
    port: server.port,
    apiUrl: `${server.origin}/v1`,
    sign: (id) => built.emulator.sign(id),
    signatureReset: (id) => built.emulator.signatureReset(id),
    settled: () => built.emulator.settled(),
    close: async () => {
      built.emulator.shutdown();
      await server.close();
    },
  };
}
