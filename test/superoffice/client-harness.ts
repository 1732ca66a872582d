import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  type SuperOfficeSeed,
  startSuperOfficeEmulator,
  superofficeDemoSeed,
} from '../../src/emulators/superoffice';
import { ApiError } from '../../src/http/api-error';
import { SuperOfficeClient, type SuperOfficeClientOptions } from '../../src/superoffice/client';

/**
 * The demo data set plus what the client tests need beside it: a Contact whose e-mail address
 * holds a quote character (OData string escaping) and a Sale without a quote.
 */
export const clientTestSeed: SuperOfficeSeed = {
  ...superofficeDemoSeed,
  persons: [
    ...(superofficeDemoSeed.persons ?? []),
    {
      PersonId: 304,
      Firstname: 'Liam',
      Lastname: "O'Brien",
      Emails: [{ Value: "liam.o'brien@fjord.example" }],
      Contact: { ContactId: 102 },
    },
  ],
  sales: [
    ...(superofficeDemoSeed.sales ?? []),
    {
      SaleId: 2002,
      Heading: 'Warehouse shelving for Fjord',
      Contact: { ContactId: 102 },
      Person: { PersonId: 303 },
      Associate: { AssociateId: 5 },
      Status: 'Open',
      Amount: 0,
    },
  ],
};

export interface Harness {
  emu: RunningSuperOfficeEmulator;
  client: SuperOfficeClient;
  clientWith(options: Partial<SuperOfficeClientOptions>): SuperOfficeClient;
  addFault(rule: Record<string, unknown>): Promise<void>;
  requests(): Promise<Array<{ method: string; path: string; query: Record<string, unknown>; body: unknown }>>;
}

async function control(emu: RunningSuperOfficeEmulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.origin}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control plane ${method} ${path} → ${res.status}: ${await res.text()}`);
  return res.status === 204 ? undefined : ((await res.json()) as unknown);
}

/**
 * Starts the real emulator over HTTP for a test file and puts it back to `clientTestSeed`
 * (through its control plane: reset, then seed) before every test.
 */
export function useEmulator(): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    const emu = await startSuperOfficeEmulator({ port: 0, seed: clientTestSeed });
    const clientWith = (options: Partial<SuperOfficeClientOptions>) =>
      new SuperOfficeClient({ apiUrl: emu.apiUrl, accessToken: DEMO_SUPEROFFICE_TOKEN, ...options });
    Object.assign(harness, {
      emu,
      clientWith,
      client: clientWith({}),
      addFault: async (rule: Record<string, unknown>) => {
        await control(emu, 'POST', '/faults', rule);
      },
      requests: async () =>
        (await control(emu, 'GET', '/requests')) as Awaited<ReturnType<Harness['requests']>>,
    });
  });
  beforeEach(async () => {
    await control(harness.emu, 'POST', '/reset');
    await control(harness.emu, 'POST', '/seed', clientTestSeed);
  });
  afterAll(async () => {
    await harness.emu?.close();
  });
  return harness;
}

/** Runs `call` and returns the ApiError it must throw. */
export async function apiError(call: () => Promise<unknown>): Promise<ApiError> {
  const outcome = await call().then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected an ApiError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ApiError);
  return outcome.error as ApiError;
}
