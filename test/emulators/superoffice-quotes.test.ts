import { superofficeDemoSeed } from '../../src/emulators/superoffice';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
import { useDemoSuperOffice } from './superoffice-harness';

const ctx = useDemoSuperOffice();

const agent = (method: string, body?: unknown, query?: Record<string, string>) =>
  ctx.so.api<any>('POST', `/v1/Agents/Quote/${method}`, { body, ...(query ? { query } : {}) }); // eslint-disable-line @typescript-eslint/no-explicit-any
const line = async (id: number): Promise<Json> => (await agent('GetQuoteLine', { QuoteLineId: id })).body;
const sale = async (): Promise<Json> => (await ctx.so.api<Json>('GET', '/v1/Sale/2001')).body;

describe('reading the quote', () => {
  it('GetQuoteFromSaleId answers the Quote with its active version and likely alternative', async () => {
    const res = await agent('GetQuoteFromSaleId', { SaleId: 2001 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      QuoteId: 7001,
      SaleId: 2001,
      ActiveQuoteVersionId: 7101,
      UseValuesFromQuote: 1,
      ActiveQuoteVersion: { QuoteVersionId: 7101, LikelyQuoteAlternativeId: 7201 },
      FavoriteQuoteAlternative: {
        QuoteAlternativeId: 7201,
        Name: 'Standard',
        SubTotal: 71500,
        TotalPrice: 71500,
      },
    });
    expect(res.body.ActiveQuoteVersion.QuoteAlternatives.map((a: Json) => a.QuoteAlternativeId)).toEqual([
      7201,
    ]);
  });

  it('GetQuoteEntityFromSaleId answers the QuoteEntity with all versions', async () => {
    const res = await agent('GetQuoteEntityFromSaleId', { SaleId: '2001' });
    expect(res.body.QuoteVersions).toHaveLength(1);
    expect(res.body.QuoteVersions[0].QuoteAlternatives[0].QuoteAlternativeId).toBe(7201);
    expect(res.body).not.toHaveProperty('ActiveQuoteVersion');
  });

  it('GetQuote, GetQuoteEntity, GetQuoteVersion(s), GetQuoteAlternative(s), GetQuoteLine(s) by id', async () => {
    expect((await agent('GetQuote', { QuoteId: 7001 })).body.QuoteId).toBe(7001);
    expect((await agent('GetQuoteEntity', { QuoteId: 7001 })).body.QuoteVersions[0].QuoteVersionId).toBe(
      7101,
    );
    expect((await agent('GetQuoteVersion', { QuoteVersionId: 7101 })).body.LikelyQuoteAlternativeId).toBe(
      7201,
    );
    expect(
      (await agent('GetQuoteVersions', { QuoteId: 7001 })).body.map((v: Json) => v.QuoteVersionId),
    ).toEqual([7101]);
    expect(
      (await agent('GetQuoteAlternatives', { QuoteVersionId: 7101 })).body.map((a: Json) => a.Name),
    ).toEqual(['Standard']);
    expect(
      (await agent('GetQuoteAlternative', undefined, { quoteAlternativeId: '7201' })).body.TotalPrice,
    ).toBe(71500);
    const lines = (await agent('GetQuoteLines', { QuoteAlternativeId: 7201 })).body;
    expect(
      lines.map((l: Json) => [
        l.QuoteLineId,
        l.ERPProductKey,
        l.Name,
        l.Quantity,
        l.UnitListPrice,
        l.SubTotal,
        l.TotalPrice,
      ]),
    ).toEqual([
      [7301, 'DESK-01', 'Standing desk', 10, 4500, 45000, 45000],
      [7302, 'CHAIR-02', 'Ergonomic chair', 10, 2200, 22000, 22000],
      [7303, 'LAMP-03', 'Desk lamp', 10, 450, 4500, 4500],
    ]);
    expect(await line(7302)).toMatchObject({ ERPProductKey: 'CHAIR-02', QuoteAlternativeId: 7201 });
  });

  it.each([
    ['GetQuoteFromSaleId', { SaleId: 9999 }],
    ['GetQuoteFromSaleId', {}],
    ['GetQuoteEntityFromSaleId', { SaleId: 9999 }],
    ['GetQuote', { QuoteId: 1 }],
    ['GetQuoteEntity', { QuoteId: 1 }],
    ['GetQuoteVersion', { QuoteVersionId: 1 }],
    ['GetQuoteLine', { QuoteLineId: 1 }],
    ['RecalculateQuoteAlternative', { QuoteAlternative: 1 }],
    ['CreateQuoteLine', { QuoteAlternativeId: 1, ERPProductKey: 'DESK-01' }],
    ['CreateQuoteLine', { QuoteAlternativeId: 7201, ERPProductKey: 'NO-SUCH' }],
    ['SaveQuoteLine', { QuoteLine: { QuoteLineId: 0, QuoteAlternativeId: 1 } }],
    ['SaveQuoteLine', { QuoteLine: { QuoteLineId: 9999, QuoteAlternativeId: 7201 } }],
    ['CreateAndSaveQuote', { SaleId: 9999 }],
  ])('%s %j answers 200 with null', async (method, body) => {
    const res = await agent(method, body);
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
  });

  it('answers [] for the children of an unknown parent, and null for an unknown alternative by query', async () => {
    expect((await agent('GetQuoteVersions', { QuoteId: 1 })).body).toEqual([]);
    expect((await agent('GetQuoteAlternatives', { QuoteVersionId: 1 })).body).toEqual([]);
    expect((await agent('GetQuoteLines', { QuoteAlternativeId: 1 })).body).toEqual([]);
    const alt = await agent('GetQuoteAlternative', undefined, { quoteAlternativeId: '1' });
    expect(alt.status).toBe(200);
    expect(alt.body).toBeNull();
  });
});

describe('agent errors', () => {
  it('answers a bad parameter with 200 and the invalid-request message', async () => {
    for (const [method, body] of [
      ['GetQuoteFromSaleId', { SaleId: 'two thousand' }],
      ['SaveQuoteLine', { QuoteLine: { Quantity: 'many' } }],
      ['SaveQuoteLine', {}],
      ['RecalculateQuoteLine', { QuoteLine: { Quantity: 1 }, ChangedFields: 'Quantity' }],
    ] as const) {
      const res = await agent(method, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ Message: 'The request is invalid.', MessageDetail: expect.any(String) });
    }
    const noQuery = await agent('GetQuoteAlternative');
    expect(noQuery.body.MessageDetail).toContain('quoteAlternativeId');
  });

  it('answers a malformed body with 400', async () => {
    expect((await agent('GetQuoteFromSaleId', '{"SaleId":')).status).toBe(400);
    expect((await agent('GetQuoteFromSaleId', [2001])).status).toBe(400);
    expect((await agent('GetQuoteFromSaleId')).status).toBe(400);
  });

  it('answers 401 without a token and 404 for a method it does not emulate', async () => {
    const res = await ctx.so.api('POST', '/v1/Agents/Quote/GetQuote', {
      body: { QuoteId: 7001 },
      headers: { Authorization: null },
    });
    expect(res.status).toBe(401);
    expect((await agent('SendQuoteVersion', { QuoteVersionId: 7101 })).status).toBe(404);
  });

  it('matches method names case-insensitively', async () => {
    expect((await agent('getquote', { QuoteId: 7001 })).body.QuoteId).toBe(7001);
  });
});

describe('RecalculateQuoteLine (SuperOffice arithmetic)', () => {
  it('12 × 4500 with 10 % changed last → SubTotal 54000, DiscountAmount 5400, TotalPrice 48600', async () => {
    const desk = await line(7301);
    const res = await agent('RecalculateQuoteLine', {
      QuoteLine: { ...desk, Quantity: 12, DiscountPercent: 10 },
      ChangedFields: ['QuoteLine.Quantity', 'QuoteLine.DiscountPercent'],
    });
    expect(res.body).toMatchObject({
      QuoteLineId: 7301,
      SubTotal: 54000,
      DiscountPercent: 10,
      DiscountAmount: 5400,
      TotalPrice: 48600,
      UserValueOverride: 'DiscountPercent',
    });
    // Recalculating does not save.
    expect((await line(7301)).Quantity).toBe(10);
  });

  it('derives the percent when the amount was changed last: 8 × 450 less 400 → 3200, 11.11…%', async () => {
    const lamp = await line(7303);
    const res = await agent('RecalculateQuoteLine', {
      QuoteLine: { ...lamp, Quantity: 8, DiscountAmount: 400, DiscountPercent: 99 },
      ChangedFields: ['DiscountAmount'],
    });
    expect(res.body.SubTotal).toBe(3600);
    expect(res.body.DiscountAmount).toBe(400);
    expect(res.body.DiscountPercent).toBeCloseTo(11.1111, 4);
    expect(res.body.TotalPrice).toBe(3200);
    expect(res.body.UserValueOverride).toBe('DiscountAmount');
  });

  it('keeps the line’s own override when only the quantity changed', async () => {
    const res = await agent('RecalculateQuoteLine', {
      QuoteLine: {
        Quantity: 3,
        UnitListPrice: 1000,
        DiscountPercent: 20,
        DiscountAmount: 1,
        UserValueOverride: 'DiscountPercent',
      },
      ChangedFields: ['QuoteLine.Quantity'],
    });
    expect(res.body).toMatchObject({
      SubTotal: 3000,
      DiscountAmount: 600,
      TotalPrice: 2400,
      UserValueOverride: 'DiscountPercent',
    });
  });

  it('copies the ERP discount when nothing was overridden', async () => {
    const res = await agent('RecalculateQuoteLine', {
      QuoteLine: {
        Quantity: 2,
        UnitListPrice: 500,
        ERPDiscountPercent: 5,
        DiscountPercent: 50,
        UserValueOverride: 'None',
      },
    });
    expect(res.body).toMatchObject({
      SubTotal: 1000,
      DiscountPercent: 5,
      DiscountAmount: 50,
      TotalPrice: 950,
    });
  });
});

describe('saving lines and recalculating the alternative', () => {
  it('SaveQuoteLine stores the line as sent; RecalculateQuoteAlternative totals it and moves the Sale amount', async () => {
    const saleBefore = await sale();
    const desk = (
      await agent('RecalculateQuoteLine', {
        QuoteLine: { ...(await line(7301)), Quantity: 12, DiscountPercent: 10 },
        ChangedFields: ['QuoteLine.DiscountPercent'],
      })
    ).body;
    const saved = await agent('SaveQuoteLine', { QuoteLine: desk });
    expect(saved.body).toMatchObject({ QuoteLineId: 7301, Quantity: 12, TotalPrice: 48600 });
    await agent('SaveQuoteLine', { QuoteLine: { ...(await line(7302)), Quantity: 12 } });
    // The chair line was saved without recalculating: its stale totals stay until the alternative is recalculated.
    expect((await line(7302)).TotalPrice).toBe(22000);
    expect((await sale()).Amount).toBe(71500);

    const res = await agent('RecalculateQuoteAlternative', { QuoteAlternative: 7201 });
    expect(res.status).toBe(200);
    expect(res.body.QuoteLinesHasChanged).toBe(true);
    // 48600 + 12 × 2200 + 10 × 450
    expect(res.body.ChangedQuoteAlternative).toMatchObject({
      QuoteAlternativeId: 7201,
      SubTotal: 79500,
      TotalPrice: 79500,
    });
    expect(res.body.Changes.UpdatedRecords).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Tablename: 'quoteline', RecordId: 7302 }),
        expect.objectContaining({ Tablename: 'quotealternative', RecordId: 7201 }),
        expect.objectContaining({ Tablename: 'sale', RecordId: 2001 }),
      ]),
    );
    expect((await line(7302)).TotalPrice).toBe(26400);
    const saleAfter = await sale();
    expect(saleAfter.Amount).toBe(79500);
    expect(saleAfter.Earning).toBe(79500);
    expect(Date.parse(saleAfter.UpdatedDate)).toBeGreaterThan(Date.parse(saleBefore.UpdatedDate));
  });

  it('applies an alternative discount: 71500 less 5 % → 67925', async () => {
    const alt = (await agent('GetQuoteAlternative', undefined, { quoteAlternativeId: '7201' })).body;
    const saved = await agent('SaveQuoteAlternative', {
      ...alt,
      DiscountPercent: 5,
      UserValueOverride: 'DiscountPercent',
    });
    expect(saved.body.DiscountPercent).toBe(5);
    const res = await agent('RecalculateQuoteAlternative', { QuoteAlternative: 7201 });
    expect(res.body.QuoteLinesHasChanged).toBe(false);
    expect(res.body.ChangedQuoteAlternative).toMatchObject({
      SubTotal: 71500,
      DiscountAmount: 3575,
      TotalPrice: 67925,
    });
    expect((await sale()).Amount).toBe(67925);
  });

  it('leaves the Sale alone when the quote does not use its values', async () => {
    const seed = structuredClone(superofficeDemoSeed);
    seed.quotes![0]!.UseValuesFromQuote = 0;
    await ctx.so.seed(seed);
    await agent('SaveQuoteLine', { QuoteLine: { ...(await line(7303)), Quantity: 20 } });
    const res = await agent('RecalculateQuoteAlternative', { QuoteAlternative: 7201 });
    expect(res.body.ChangedQuoteAlternative.TotalPrice).toBe(76000);
    expect((await sale()).Amount).toBe(71500);
  });

  it('CreateQuoteLine copies the product into an unsaved line; SaveQuoteLine gives it an id', async () => {
    const created = await agent('CreateQuoteLine', { QuoteAlternativeId: 7201, ERPProductKey: 'chair-02' });
    expect(created.body).toMatchObject({
      QuoteLineId: 0,
      QuoteAlternativeId: 7201,
      ERPProductKey: 'CHAIR-02',
      Name: 'Ergonomic chair',
      Quantity: 1,
      UnitListPrice: 2200,
      SubTotal: 2200,
      TotalPrice: 2200,
      Rank: 4,
    });
    expect((await agent('GetQuoteLines', { QuoteAlternativeId: 7201 })).body).toHaveLength(3);
    const saved = await agent('SaveQuoteLine', { QuoteLine: created.body });
    expect(saved.body.QuoteLineId).toBe(7304);
    expect((await agent('GetQuoteLines', { QuoteAlternativeId: 7201 })).body).toHaveLength(4);
  });

  it('SaveQuoteLines saves all or, if one cannot be saved, none', async () => {
    const [desk, chair] = [await line(7301), await line(7302)];
    const none = await agent('SaveQuoteLines', {
      QuoteLines: [
        { ...desk, Quantity: 1 },
        { ...chair, QuoteLineId: 9999 },
      ],
    });
    expect(none.body).toBeNull();
    expect((await line(7301)).Quantity).toBe(10);
    const all = await agent('SaveQuoteLines', {
      QuoteLines: [
        { ...desk, Quantity: 1 },
        { ...chair, Quantity: 2 },
      ],
    });
    expect(all.body.map((l: Json) => l.Quantity)).toEqual([1, 2]);
  });

  it('DeleteQuoteLine answers 204 and the line is gone', async () => {
    const res = await agent('DeleteQuoteLine', { QuoteLineId: 7303 });
    expect(res.status).toBe(204);
    expect(await line(7303)).toBeNull();
    expect((await agent('GetQuoteLines', { QuoteAlternativeId: 7201 })).body).toHaveLength(2);
    expect((await agent('DeleteQuoteLine', { QuoteLineId: 7303 })).status).toBe(204);
  });
});

describe('CreateAndSaveQuote', () => {
  it('creates a quote with a version and a first alternative for a sale without one', async () => {
    const newSale = (
      await ctx.so.api<Json>('POST', '/v1/Sale', {
        body: { Heading: 'Second sale', Contact: { ContactId: 102 } },
      })
    ).body;
    const res = await agent('CreateAndSaveQuote', {
      SaleId: newSale.SaleId,
      ConnectionId: 1,
      FirstAlternativeName: 'Basic',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      QuoteId: 7002,
      SaleId: newSale.SaleId,
      QuoteConnectionId: 1,
      ActiveQuoteVersionId: 7102,
      QuoteVersions: [
        {
          QuoteVersionId: 7102,
          LikelyQuoteAlternativeId: 7202,
          QuoteAlternatives: [{ QuoteAlternativeId: 7202, Name: 'Basic' }],
        },
      ],
    });
    expect((await agent('GetQuoteFromSaleId', { SaleId: newSale.SaleId })).body.QuoteId).toBe(7002);
  });

  it('refuses a second quote for a sale', async () => {
    const res = await agent('CreateAndSaveQuote', {
      SaleId: 2001,
      ConnectionId: 1,
      FirstAlternativeName: 'Again',
    });
    expect(res.body.Message).toBe('The request is invalid.');
    expect(res.body.MessageDetail).toContain('already has a quote');
  });
});
