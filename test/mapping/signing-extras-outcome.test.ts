import { describeOutcome, FAILURE_PREFIX, SUCCESS_PREFIX } from '../../src/mapping/outcome';
import type { ResourceResult } from '../../src/workflow-contract';

/** What the outcome Activity says about the signing extras: the Document, lines added and removed. */
const products: ResourceResult = {
  type: 'Products',
  id: 2001,
  status: 'updated',
  properties: [
    {
      property: 'Monitor arm',
      status: 'written',
      display: 'added to the quote: quantity 6, unit price 900',
      source: 'Oneflow product "ARM-04"',
    },
    {
      property: 'Desk lamp',
      status: 'written',
      display: 'removed from the quote: no longer in the contract',
      source: 'quote line 7303',
    },
    {
      property: 'Installation',
      status: 'skipped',
      source: 'quote line 7304',
      reason: 'no product of the contract matches this quote line; it was left on the quote',
    },
  ],
};
const document: ResourceResult = {
  type: 'Document',
  id: 12,
  name: 'Office furniture',
  status: 'updated',
  properties: [
    {
      property: 'Signed PDF',
      status: 'written',
      display: 'Office furniture.pdf (1.2 kB), filed on Sale 2001',
      source: 'Oneflow contract 9001',
    },
  ],
};

describe('the outcome Activity with the signing extras', () => {
  it('names the Document last among the types, and each line added, removed or left', () => {
    const report = describeOutcome({ contractId: 9001, saleId: 2001, resources: [document, products] });
    expect(report.status).toBe('succeeded');
    expect(report.updatedTypes).toEqual(['Products', 'Document']);
    const text = report.appointments[0]!.description.split('\n');
    expect(text[0]).toBe(`${SUCCESS_PREFIX} Products, Document.`);
    expect(text).toContain(
      'Products of Sale 2001: Monitor arm = "added to the quote: quantity 6, unit price 900"; Desk lamp = "removed from the quote: no longer in the contract"',
    );
    expect(text).toContain(
      'Document 12 (Office furniture): Signed PDF = "Office furniture.pdf (1.2 kB), filed on Sale 2001"',
    );
    expect(text).toContain(
      'Skipped on Products of Sale 2001: Installation: no product of the contract matches this quote line; it was left on the quote',
    );
  });

  it('says why a PDF was not filed in the failure Activity', () => {
    const refused: ResourceResult = {
      type: 'Document',
      id: null,
      name: 'Office furniture',
      status: 'failed',
      error: 'the signed PDF is 30 MB or more, over the limit of 25 MB (smartSync.signedPdfMaxBytes)',
      properties: [],
    };
    const report = describeOutcome({ contractId: 9001, saleId: 2001, resources: [products, refused] });
    expect(report.status).toBe('partially_failed');
    const failure = report.appointments.find((a) => a.kind === 'failure')!.description.split('\n');
    expect(failure[0]).toBe(`${FAILURE_PREFIX} Document.`);
    expect(failure[1]).toBe(
      'Document (Office furniture): the signed PDF is 30 MB or more, over the limit of 25 MB (smartSync.signedPdfMaxBytes)',
    );
  });
});
