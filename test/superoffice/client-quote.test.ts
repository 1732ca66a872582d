import type { QuoteLine } from '../../src/superoffice/entities';
import { apiError, useEmulator } from './client-harness';

/** The Quote agent side of SuperOfficeClient (Sale products), against the emulator on the demo data. */
const h = useEmulator();

/** The lines of the demo Sale's likely alternative, found the way Smart Sync finds them. */
async function likelyLines() {
  const quote = await h.client.getQuoteEntityFromSaleId(2001);
  if (!quote) throw new Error('the demo Sale has no quote');
  const version = await h.client.getQuoteVersion(quote.ActiveQuoteVersionId);
  const lines = await h.client.getQuoteLines(version.LikelyQuoteAlternativeId);
  return { quote, version, alternativeId: version.LikelyQuoteAlternativeId, lines };
}

function byKey(lines: QuoteLine[], key: string): QuoteLine {
  const line = lines.find((l) => l.ERPProductKey === key);
  if (!line) throw new Error(`no line ${key}`);
  return line;
}

describe('SuperOfficeClient: reading the quote', () => {
  it('follows Sale → Quote → active version → likely alternative → lines', async () => {
    const { quote, version, alternativeId, lines } = await likelyLines();
    expect(quote).toMatchObject({
      QuoteId: 7001,
      SaleId: 2001,
      ActiveQuoteVersionId: 7101,
      UseValuesFromQuote: 1,
    });
    expect(quote.QuoteVersions?.map((v) => v.QuoteVersionId)).toEqual([7101]);
    expect(version).toMatchObject({ QuoteVersionId: 7101, QuoteId: 7001, LikelyQuoteAlternativeId: 7201 });
    expect(alternativeId).toBe(7201);
    expect(lines.map((l) => [l.QuoteLineId, l.ERPProductKey, l.Name, l.Quantity, l.UnitListPrice])).toEqual([
      [7301, 'DESK-01', 'Standing desk', 10, 4500],
      [7302, 'CHAIR-02', 'Ergonomic chair', 10, 2200],
      [7303, 'LAMP-03', 'Desk lamp', 10, 450],
    ]);
    for (const line of lines) {
      expect(line.DiscountPercent).toBe(0);
      expect(line.SubTotal).toBe(line.Quantity * line.UnitListPrice);
      expect(line.TotalPrice).toBe(line.SubTotal);
    }
  });

  it("lists the version's alternatives", async () => {
    const alternatives = await h.client.getQuoteAlternatives(7101);
    expect(alternatives.map((a) => [a.QuoteAlternativeId, a.QuoteVersionId, a.Name])).toEqual([
      [7201, 7101, 'Standard'],
    ]);
  });

  it("matches the Sale's Amount to the likely alternative's total, as UseValuesFromQuote says", async () => {
    const { alternativeId } = await likelyLines();
    const alternative = (await h.client.getQuoteAlternatives(7101)).find(
      (a) => a.QuoteAlternativeId === alternativeId,
    );
    expect((await h.client.getSale(2001)).Amount).toBe(alternative?.TotalPrice);
  });
});

describe('SuperOfficeClient: changing products', () => {
  it('recalculates a changed line without saving it, then saves it', async () => {
    const { lines, alternativeId } = await likelyLines();
    const desk = byKey(lines, 'DESK-01');

    const changed = { ...desk, Quantity: 12, DiscountPercent: 10 };
    const recalculated = await h.client.recalculateQuoteLine(changed, ['Quantity', 'DiscountPercent']);
    expect(recalculated.Quantity).toBe(12);
    expect(recalculated.SubTotal).toBe(12 * desk.UnitListPrice);
    expect(recalculated.DiscountAmount).toBeCloseTo(recalculated.SubTotal * 0.1, 6);
    expect(recalculated.TotalPrice).toBeCloseTo(recalculated.SubTotal - recalculated.DiscountAmount, 6);
    // Recalculation is arithmetic only: nothing stored yet.
    expect(byKey(await h.client.getQuoteLines(alternativeId), 'DESK-01').Quantity).toBe(10);

    const saved = await h.client.saveQuoteLine(recalculated);
    expect(saved).toMatchObject({
      QuoteLineId: desk.QuoteLineId,
      Quantity: 12,
      TotalPrice: recalculated.TotalPrice,
    });
    expect(byKey(await h.client.getQuoteLines(alternativeId), 'DESK-01')).toMatchObject({
      Quantity: 12,
      DiscountPercent: 10,
      TotalPrice: recalculated.TotalPrice,
    });
  });

  it('sends ChangedFields in the documented "QuoteLine.Field" form and the line whole', async () => {
    const { lines } = await likelyLines();
    const lamp = byKey(lines, 'LAMP-03');
    await h.client.recalculateQuoteLine({ ...lamp, Quantity: 8 }, ['Quantity']);
    const call = (await h.requests()).find((r) => r.path.endsWith('/Agents/Quote/RecalculateQuoteLine'));
    expect(call?.body).toEqual({
      QuoteLine: { ...lamp, Quantity: 8 },
      ChangedFields: ['QuoteLine.Quantity'],
    });
  });

  it("recalculates the alternative, and the Sale's Amount follows", async () => {
    const { lines, alternativeId } = await likelyLines();
    const amountBefore = (await h.client.getSale(2001)).Amount;
    const chair = byKey(lines, 'CHAIR-02');
    const lamp = byKey(lines, 'LAMP-03');
    await h.client.saveQuoteLine(
      await h.client.recalculateQuoteLine({ ...chair, Quantity: 12 }, ['Quantity']),
    );
    await h.client.saveQuoteLine(
      await h.client.recalculateQuoteLine({ ...lamp, Quantity: 8, DiscountAmount: 8 * 50 }, [
        'Quantity',
        'DiscountAmount',
      ]),
    );

    const result = await h.client.recalculateQuoteAlternative(alternativeId);
    const after = await h.client.getQuoteLines(alternativeId);
    const sumOfLines = after.reduce((sum, l) => sum + l.TotalPrice, 0);
    expect(sumOfLines).not.toBeCloseTo(amountBefore ?? 0, 6);
    expect(result.ChangedQuoteAlternative?.QuoteAlternativeId).toBe(alternativeId);
    expect(result.ChangedQuoteAlternative?.SubTotal).toBeCloseTo(sumOfLines, 6);
    // No alternative discount in the demo: the total is the sum of the lines.
    expect(result.ChangedQuoteAlternative?.TotalPrice).toBeCloseTo(sumOfLines, 6);
    expect((await h.client.getSale(2001)).Amount).toBeCloseTo(sumOfLines, 6);
  });
});

describe("SuperOfficeClient: the Agents' null and invalid-request answers", () => {
  it('returns null for a Sale without a quote', async () => {
    await expect(h.client.getQuoteEntityFromSaleId(2002)).resolves.toBeNull();
  });

  it('throws not_found when an object asked for by id is missing (200 null)', async () => {
    const version = await apiError(() => h.client.getQuoteVersion(7199));
    expect(version).toMatchObject({ kind: 'not_found', retryable: false, status: 200 });
    expect(version.message).toContain('QuoteVersion 7199');

    const { lines } = await likelyLines();
    const ghost = { ...byKey(lines, 'DESK-01'), QuoteLineId: 7399 };
    expect((await apiError(() => h.client.saveQuoteLine(ghost))).kind).toBe('not_found');

    expect((await apiError(() => h.client.recalculateQuoteAlternative(7299))).kind).toBe('not_found');
  });

  it('throws rejected for 200 {"Message": "The request is invalid.", MessageDetail}', async () => {
    const { lines } = await likelyLines();
    const unreadable = { ...byKey(lines, 'DESK-01'), Quantity: 'twelve' } as unknown as QuoteLine;
    const err = await apiError(() => h.client.saveQuoteLine(unreadable));
    expect(err).toMatchObject({ kind: 'rejected', retryable: false, status: 200 });
    expect(err.message).toContain('The request is invalid.');
    expect(err.message).toContain('Quantity');
  });

  it('refuses ids that cannot exist without calling', async () => {
    expect((await apiError(() => h.client.getQuoteLines(0))).kind).toBe('rejected');
    expect((await apiError(() => h.client.getQuoteEntityFromSaleId(-1))).kind).toBe('rejected');
    expect(await h.requests()).toEqual([]);
  });
});
