import {
  DEMO_SUPEROFFICE_TOKEN,
  SuperOfficeEmulatorClient,
  startSuperOfficeEmulator,
  superofficeDemoSeed,
  type RunningSuperOfficeEmulator,
} from '../../src/emulators/superoffice';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- emulator answers are read freely in tests
export type Json = Record<string, any>;

export interface DemoSuperOffice {
  emu: RunningSuperOfficeEmulator;
  so: SuperOfficeEmulatorClient;
}

/**
 * One SuperOffice emulator per test file, on a free port, reset to the demo data before
 * every test. The returned object's fields are filled in by the hooks.
 */
export function useDemoSuperOffice(): DemoSuperOffice {
  const ctx = {} as DemoSuperOffice;
  beforeAll(async () => {
    ctx.emu = await startSuperOfficeEmulator({ port: 0 });
    ctx.so = new SuperOfficeEmulatorClient(ctx.emu.origin, ctx.emu.apiUrl, DEMO_SUPEROFFICE_TOKEN);
  });
  afterAll(() => ctx.emu?.close());
  beforeEach(async () => {
    await ctx.so.reset();
    await ctx.so.seed(superofficeDemoSeed);
  });
  return ctx;
}
