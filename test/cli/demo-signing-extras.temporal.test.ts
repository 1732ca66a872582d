import { runDemo } from '../../src/cli/demo';
import { startSyncStack, type SyncStack } from '../support/sync-stack';

/**
 * `npm run demo` (runDemo) against the whole demo service: it switches the four signing
 * extras on in the demo's mapping document, puts in the negotiated product table and signs,
 * so the one run shows all four.
 */
let stack: SyncStack;
beforeAll(async () => {
  stack = await startSyncStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface QuoteState {
  quotes: Array<{
    SaleId: number;
    versions: Array<{ alternatives: Array<{ TotalPrice: number; lines: Array<Record<string, unknown>> }> }>;
  }>;
}

it('shows the Sale marked sold, the signed PDF filed, a product added and one removed', async () => {
  const lines: string[] = [];
  await runDemo(
    {
      serviceUrl: stack.service.url,
      oneflowUrl: stack.oneflowOrigin,
      superofficeUrl: stack.superofficeOrigin,
      adminToken: 'demo-admin-token',
    },
    (line) => lines.push(line),
  );
  const output = lines.join('\n');
  expect(output).toContain('Switched on: mark the Sale sold, file the signed PDF (as "Signed agreement")');
  expect(output).toContain('outcome succeeded');
  expect(output).toMatch(/Document \d+: updated/);

  const document = (await stack.service.store.getMappingDocument())!;
  expect(document.smartSync).toMatchObject({
    markSaleSold: true,
    attachSignedPdf: true,
    addProducts: true,
    removeProducts: true,
  });
  const state = await stack.superoffice();
  const sale = state.sales.find((s) => s.SaleId === 2001)!;
  expect(sale.Status).toBe('Sold');
  const alternative = (state as unknown as QuoteState).quotes.find((q) => q.SaleId === 2001)!.versions[0]!
    .alternatives[0]!;
  expect(alternative.lines.map((l) => l.ERPProductKey || l.Name)).toEqual([
    'DESK-01',
    'CHAIR-02',
    'ARM-04',
    'Assembly service',
  ]);
  expect(sale.Amount).toBeCloseTo(alternative.TotalPrice, 2);
  const documents = (await (
    await fetch(`${stack.superofficeOrigin}/_emulator/documents`)
  ).json()) as unknown[];
  expect(documents).toHaveLength(1);
});
