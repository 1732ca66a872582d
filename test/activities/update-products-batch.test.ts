import { updateProductsActivity } from '../../src/activities/update-products';
import { createLogger } from '../../src/logging/logger';
import type { ProductsUpdate, QuoteLineWrite } from '../../src/workflow-contract';
import { useEmulator } from '../superoffice/client-harness';
import { activityEnv } from './activity-env';

/**
 * updateProducts against the SuperOffice emulator: every line recalculated on its own (side by
 * side), all saved in one SaveQuoteLines, the alternative recalculated once.
 */
const so = useEmulator();
const updateProducts = () =>
  updateProductsActivity({ superoffice: so.client, logger: createLogger('silent') });

const write = (quoteLineId: number, name: string, quantity: number): QuoteLineWrite => ({
  quoteLineId,
  name,
  changes: { Quantity: quantity },
  changedFields: ['Quantity'],
  display: `quantity ${quantity}`,
  source: `Oneflow product "${name}"`,
});

const update = (lines: QuoteLineWrite[]): ProductsUpdate => ({
  saleId: 2001,
  quoteAlternativeId: 7201,
  lines,
  planned: [],
});

const quoteCalls = async () =>
  (await so.requests())
    .map((r) => r.path.split('/Agents/Quote/')[1])
    .filter((m): m is string => m !== undefined);

describe('updateProducts: the lines saved in one call', () => {
  it('recalculates each line, saves them all with one SaveQuoteLines, then recalculates the alternative', async () => {
    const result = await activityEnv().run(
      updateProducts(),
      update([write(7301, 'Standing desk', 3), write(7302, 'Ergonomic chair', 4)]),
    );

    expect(result.properties.map((p) => [p.property, p.status])).toEqual([
      ['Standing desk', 'written'],
      ['Ergonomic chair', 'written'],
    ]);
    const calls = await quoteCalls();
    const lines = await so.client.getQuoteLines(7201);
    expect(
      lines.filter((l) => l.QuoteLineId !== 7303).map((l) => [l.QuoteLineId, l.Quantity, l.TotalPrice]),
    ).toEqual([
      [7301, 3, 3 * 4500],
      [7302, 4, 4 * 2200],
    ]);
    expect(calls.filter((m) => m === 'RecalculateQuoteLine')).toHaveLength(2);
    expect(calls.filter((m) => m.startsWith('SaveQuoteLine'))).toEqual(['SaveQuoteLines']);
    expect(calls.at(-1)).toBe('RecalculateQuoteAlternative');
    const saved = (await so.requests()).find((r) => r.path.endsWith('/SaveQuoteLines'))!.body as {
      QuoteLines: Array<{ QuoteLineId: number; Quantity: number }>;
    };
    expect(saved.QuoteLines.map((l) => [l.QuoteLineId, l.Quantity])).toEqual([
      [7301, 3],
      [7302, 4],
    ]);
  });

  it('reports a line removed while the sync ran as failed, in its place, and saves the others', async () => {
    const result = await activityEnv().run(
      updateProducts(),
      update([
        write(7301, 'Standing desk', 3),
        write(7399, 'Gone lamp', 1),
        write(7302, 'Ergonomic chair', 4),
      ]),
    );
    expect(result.properties.map((p) => [p.property, p.status])).toEqual([
      ['Standing desk', 'written'],
      ['Gone lamp', 'failed'],
      ['Ergonomic chair', 'written'],
    ]);
    expect(result.properties[1]!.reason).toBe(
      'quote line 7399 was removed from the quote while the sync ran',
    );
  });

  it('saves nothing when a recalculation fails, and fails the attempt retryably', async () => {
    await so.addFault({
      method: 'POST',
      path: '**/Agents/Quote/RecalculateQuoteLine',
      status: 503,
      times: 1,
    });
    await expect(
      activityEnv().run(
        updateProducts(),
        update([write(7301, 'Standing desk', 3), write(7302, 'Ergonomic chair', 4)]),
      ),
    ).rejects.toMatchObject({ nonRetryable: false });
    expect((await quoteCalls()).filter((m) => m.startsWith('SaveQuoteLine'))).toEqual([]);
    const lines = await so.client.getQuoteLines(7201);
    expect(lines.find((l) => l.QuoteLineId === 7301)!.Quantity).not.toBe(3);
  });

  it('fails without retrying when SuperOffice cannot save a line that went away after it was read', async () => {
    // The line is there when the step reads the quote, and deleted (by someone in SuperOffice)
    // while it is being recalculated, so SaveQuoteLines answers null.
    await so.addFault({
      method: 'POST',
      path: '**/Agents/Quote/RecalculateQuoteLine',
      latencyMs: 300,
      times: 1,
    });
    const running = activityEnv().run(updateProducts(), update([write(7301, 'Standing desk', 3)]));
    await new Promise((r) => setTimeout(r, 100));
    await so.client.deleteQuoteLine(7301);
    await expect(running).rejects.toMatchObject({ nonRetryable: true, type: 'NotFound' });
  });
});
