import { shapePreview } from '../../src/mapping/preview';
import type { ResolvedPlan } from '../../src/workflow-contract';

/** The preview (POST /api/contracts/{id}/preview) shows the signing extras a sync would do. */
const plan: ResolvedPlan = {
  saleId: 2001,
  companyId: 101,
  contacts: [],
  settled: [],
  notes: [],
  personIds: [],
  products: {
    saleId: 2001,
    quoteAlternativeId: 7201,
    lines: [],
    planned: [],
    additions: [
      {
        name: 'Monitor arm',
        erpProductKey: 'ARM-04',
        changes: { Quantity: 6, UnitListPrice: 900 },
        changedFields: ['Quantity', 'UnitListPrice'],
        display: 'added to the quote: quantity 6, unit price 900',
        source: 'Oneflow product "ARM-04"',
      },
    ],
    removals: [{ quoteLineId: 7303, name: 'Desk lamp' }],
    knownLineIds: [7301, 7302, 7303],
  },
  signedPdf: {
    contractId: 9001,
    saleId: 2001,
    documentTemplateId: 4,
    marker: '[Smart sync] Signed PDF of Oneflow contract 9001',
    maxBytes: 1000,
  },
};

describe('the preview of the signing extras', () => {
  it('lists the quote lines a sync would delete and add, and says the PDF would be filed', () => {
    const preview = shapePreview({ contractId: 9001, contractState: 'signed', plan });
    expect(preview.summary).toBe('would_write');
    expect(preview.products?.lines).toEqual([
      {
        product: 'Desk lamp',
        status: 'would_write',
        quoteLineId: 7303,
        value: 'removed from the quote: no longer in the contract',
        source: 'quote line 7303',
      },
      {
        product: 'Monitor arm',
        status: 'would_write',
        value: 'added to the quote: quantity 6, unit price 900',
        source: 'Oneflow product "ARM-04"',
      },
    ]);
    expect(preview.notes).toEqual([
      "The signed PDF would be filed as a Document on Sale 2001 (document type 4), unless this signing's is filed already",
    ]);
  });
});
