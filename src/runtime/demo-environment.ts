import {
  DEMO_ONEFLOW_TOKEN,
  DEMO_ONEFLOW_USER_EMAIL,
  DEMO_WEBHOOK_SIGN_KEY,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../emulators/oneflow';
import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  startSuperOfficeEmulator,
} from '../emulators/superoffice';

/** Used when SMART_SYNC_ADMIN_TOKEN is unset in demo mode; printed at start-up. */
export const DEMO_ADMIN_TOKEN = 'demo-admin-token';

export interface DemoEnvironment {
  oneflowEmulator: RunningOneflowEmulator;
  superofficeEmulator: RunningSuperOfficeEmulator;
  oneflow: { apiUrl: string; apiToken: string; userEmail: string; webhookSignKey: string };
  superoffice: { apiUrl: string; accessToken: string };
  adminToken: string;
  close(): Promise<void>;
}

/**
 * Both emulators with the demo data set, wired so that signing the demo contract in the
 * Oneflow emulator sends its webhook to this service.
 */
export async function startDemoEnvironment(options: {
  /** Where signing sends the webhook; can also be set later on the emulator. */
  webhookUrl?: string;
  ports: { oneflow: number; superoffice: number };
  /** Scales Oneflow's webhook retry schedule (1 s … 1 h); the demo keeps it real. */
  webhookRetryScale?: number;
}): Promise<DemoEnvironment> {
  const portTaken = (what: string, port: number) => (err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') {
      throw new Error(
        `port ${port} for the demo ${what} emulator is already in use (is another Smart Sync demo running?)`,
      );
    }
    throw err;
  };
  const superofficeEmulator = await startSuperOfficeEmulator({ port: options.ports.superoffice }).catch(
    portTaken('SuperOffice', options.ports.superoffice),
  );
  let oneflowEmulator: RunningOneflowEmulator;
  try {
    oneflowEmulator = await startOneflowEmulator({
      port: options.ports.oneflow,
      ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
      signKey: DEMO_WEBHOOK_SIGN_KEY,
      retryScale: options.webhookRetryScale ?? 1,
    }).catch(portTaken('Oneflow', options.ports.oneflow));
  } catch (err) {
    await superofficeEmulator.close();
    throw err;
  }
  return {
    oneflowEmulator,
    superofficeEmulator,
    oneflow: {
      apiUrl: oneflowEmulator.apiUrl,
      apiToken: DEMO_ONEFLOW_TOKEN,
      userEmail: DEMO_ONEFLOW_USER_EMAIL,
      webhookSignKey: DEMO_WEBHOOK_SIGN_KEY,
    },
    superoffice: { apiUrl: superofficeEmulator.apiUrl, accessToken: DEMO_SUPEROFFICE_TOKEN },
    adminToken: DEMO_ADMIN_TOKEN,
    close: async () => {
      await oneflowEmulator.close();
      await superofficeEmulator.close();
    },
  };
}
