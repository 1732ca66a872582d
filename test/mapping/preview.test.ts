import { displayCurrent, shapePreview } from '../../src/mapping/preview';
import type { PropertyCatalog } from '../../src/superoffice/field-catalog';
import type { PropertyChange, ResolvedPlan } from '../../src/workflow-contract';

const number: PropertyChange = {
  property: 'Number',
  label: 'Number',
  kind: 'standard',
  type: 'text',
  patchPath: 'Number',
  value: 'PO-1',
  display: 'PO-1',
  source: 'data field "po_number"',
};
const delivery: PropertyChange = {
  property: 'SuperOffice:3',
  label: 'Delivery method',
  kind: 'udef',
  type: 'list',
  patchPath: 'UserDefinedFields/SuperOffice:3',
  value: '2',
  display: 'Freight',
  source: 'data field "delivery_method"',
};
const catalog = {
  Sale: [{ object: 'Sale', property: 'SuperOffice:3', listItems: [{ id: 1, name: 'Courier' }] }],
  Company: [],
  Contact: [],
} as unknown as PropertyCatalog;

const emptyPlan = (over: Partial<ResolvedPlan> = {}): ResolvedPlan => ({
  contacts: [],
  settled: [],
  notes: [],
  personIds: [],
  ...over,
});

describe('displayCurrent', () => {
  it.each([
    ['a plain value', number, { Number: 'PO-0' }, 'PO-0'],
    ['an empty value as null', number, { Number: '' }, null],
    ['a missing record as null', number, undefined, null],
    ['a list item by its name', delivery, { UserDefinedFields: { 'SuperOffice:3': '[I:1]' } }, 'Courier'],
    ['an unknown list item by its id', delivery, { UserDefinedFields: { 'SuperOffice:3': '7' } }, 'item 7'],
    [
      'a checkbox',
      { ...delivery, type: 'checkbox' as const },
      { UserDefinedFields: { 'SuperOffice:3': '[I:0]' } },
      'unchecked',
    ],
    [
      'a date without its time',
      { ...number, type: 'date' as const },
      { Number: '2026-12-15T00:00:00' },
      '2026-12-15',
    ],
  ])('shows %s', (_what, change, entity, expected) => {
    expect(displayCurrent(change, entity, catalog, 'Sale')).toBe(expected);
  });
});

describe('shapePreview', () => {
  it('puts the current value beside the new one, and keeps what the plan skipped or failed', () => {
    const preview = shapePreview({
      contractId: 9001,
      contractState: 'signed',
      plan: emptyPlan({
        saleId: 2001,
        sale: {
          type: 'Sale',
          id: 2001,
          name: 'Desks',
          changes: [number],
          planned: [
            { property: 'SuperOffice:1', status: 'skipped', reason: 'not in this contract' },
            { property: 'SuperOffice:2', status: 'unchanged', display: '2026-12-15' },
          ],
        },
        settled: [
          {
            type: 'Contact',
            id: null,
            participant: 2,
            status: 'failed',
            error: 'no Contact has the email',
            properties: [{ property: 'Title', status: 'failed', reason: 'no Contact has the email' }],
          },
        ],
      }),
      current: { records: { 'Sale:2001': { Number: 'PO-0' } }, quoteLines: [] },
    });

    expect(preview).toMatchObject({ signed: true, summary: 'would_fail', saleId: 2001, products: null });
    expect(preview.notice).toBeUndefined();
    expect(preview.records).toEqual([
      {
        type: 'Sale',
        id: 2001,
        name: 'Desks',
        status: 'would_write',
        properties: [
          {
            property: 'Number',
            label: 'Number',
            status: 'would_write',
            current: 'PO-0',
            value: 'PO-1',
            source: 'data field "po_number"',
          },
          { property: 'SuperOffice:1', status: 'skipped', reason: 'not in this contract' },
          { property: 'SuperOffice:2', status: 'unchanged', value: '2026-12-15' },
        ],
      },
      {
        type: 'Contact',
        id: null,
        participant: 2,
        status: 'would_fail',
        error: 'no Contact has the email',
        properties: [{ property: 'Title', status: 'would_fail', reason: 'no Contact has the email' }],
      },
    ]);
  });

  it("shows the quote lines' values now and after", () => {
    const preview = shapePreview({
      contractId: 9001,
      contractState: 'signed',
      plan: emptyPlan({
        saleId: 2001,
        products: {
          saleId: 2001,
          quoteAlternativeId: 5,
          lines: [
            {
              quoteLineId: 7,
              name: 'Desk',
              changes: { Quantity: 12 },
              changedFields: ['Quantity'],
              display: 'quantity 12',
              source: 'Oneflow product "DESK"',
            },
          ],
          planned: [{ property: 'Lamp', status: 'unchanged', source: 'Oneflow product "LAMP"' }],
        },
      }),
      current: { records: {}, quoteLines: [{ QuoteLineId: 7, Quantity: 10, DiscountPercent: 5 }] },
    });

    expect(preview.summary).toBe('would_write');
    expect(preview.products).toEqual({
      status: 'would_write',
      lines: [
        {
          product: 'Desk',
          status: 'would_write',
          quoteLineId: 7,
          current: 'quantity 10',
          value: 'quantity 12',
          source: 'Oneflow product "DESK"',
        },
        { product: 'Lamp', status: 'unchanged', source: 'Oneflow product "LAMP"' },
      ],
    });
  });

  it('says so when the contract is not signed, and still previews it', () => {
    const preview = shapePreview({
      contractId: 9001,
      contractState: 'pending',
      plan: emptyPlan({ saleId: 2001 }),
    });

    expect(preview).toMatchObject({ signed: false, summary: 'unchanged' });
    expect(preview.notice).toMatch(/^contract 9001 is "pending" in Oneflow, not signed by all parties/);
  });

  it('reports a plan that would fail as a whole', () => {
    expect(
      shapePreview({
        contractId: 9001,
        contractState: 'signed',
        failure: { type: 'Forbidden', message: 'not allowed' },
      }),
    ).toMatchObject({
      summary: 'would_fail',
      records: [],
      failure: { type: 'Forbidden', message: 'not allowed' },
    });
    expect(
      shapePreview({
        contractId: 9001,
        contractState: 'signed',
        plan: emptyPlan({ notes: ['data field "sale" is empty, so the SuperOffice Sale is unknown'] }),
      }),
    ).toMatchObject({
      summary: 'would_fail',
      failure: { message: 'data field "sale" is empty, so the SuperOffice Sale is unknown' },
    });
  });

  it('says when there is nothing to sync', () => {
    const preview = shapePreview({
      contractId: 9001,
      contractState: 'signed',
      plan: emptyPlan({ nothingToSync: 'no mapping document is configured' }),
    });

    expect(preview.summary).toBe('nothing_to_sync');
    expect(preview.failure).toBeUndefined();
  });
});
