import { listen } from '../control-plane';
import { DEMO_SUPEROFFICE_TOKEN, superofficeDemoSeed } from './demo-seed';
import {
  createSuperOfficeEmulator,
  DEFAULT_CONTEXT_ID,
  type SuperOfficeEmulatorApp,
  type SuperOfficeEmulatorOptions,
} from './emulator-app';

export { createSuperOfficeEmulator, DEFAULT_CONTEXT_ID } from './emulator-app';
export type { SuperOfficeEmulatorApp, SuperOfficeEmulatorOptions } from './emulator-app';
export type { AuthOptions } from './auth';
export { LoginState, type LoginOptions } from './login';
export { SuperOfficeStore } from './store';
export { superOfficeSeedSchema, type SuperOfficeSeed } from './seed-schema';
export { SuperOfficeEmulatorClient, type EmulatorResponse } from './emulator-client';
export * from './demo-seed';

export interface StartSuperOfficeEmulatorOptions extends SuperOfficeEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningSuperOfficeEmulator extends SuperOfficeEmulatorApp {
  /** e.g. http://127.0.0.1:4020 (the control plane is at origin + /_emulator). */
  origin: string;
  port: number;
  /** The tenant's web API base, what SUPEROFFICE_API_URL should be: origin + /{contextId}/api. */
  apiUrl: string;
  contextId: string;
  close(): Promise<void>;
}

/**
 * Starts the emulator on a port. Without `seed` it loads the demo data set, and without
 * `accessToken` it accepts the demo token (DEMO_SUPEROFFICE_TOKEN).
 */
export async function startSuperOfficeEmulator(
  options: StartSuperOfficeEmulatorOptions = {},
): Promise<RunningSuperOfficeEmulator> {
  const contextId = options.contextId ?? DEFAULT_CONTEXT_ID;
  const built = createSuperOfficeEmulator({
    ...options,
    contextId,
    accessToken: options.accessToken ?? DEMO_SUPEROFFICE_TOKEN,
    seed: options.seed ?? superofficeDemoSeed,
  });
  const server = await listen(built.app, options.port ?? 0, options.host);
  return {
    ...built,
    origin: server.origin,
    port: server.port,
    apiUrl: `${server.origin}/${contextId}/api`,
    contextId,
    close: () => server.close(),
  };
}
