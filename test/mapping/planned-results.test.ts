import type { ProductPlan, ResourcePlan } from '../../src/mapping/plan';
import {
  hasWork,
  matchedProductResults,
  partitionChanges,
  plannedProperties,
  productFailureResults,
  settled,
} from '../../src/mapping/planned-results';
import { matchProductsToQuoteLines } from '../../src/mapping/quote-matching';
import type { PropertyChange } from '../../src/workflow-contract';

const change = (
  over: Partial<PropertyChange> & Pick<PropertyChange, 'property' | 'value'>,
): PropertyChange => ({
  label: over.property,
  kind: 'standard',
  type: 'text',
  patchPath: over.property,
  display: String(over.value),
  source: `data field "${over.property.toLowerCase()}"`,
  ...over,
});

const emptyPlan = (): ResourcePlan => ({ changes: [], skipped: [], failures: [] });

const product = (over: Partial<ProductPlan> & Pick<ProductPlan, 'name'>): ProductPlan => ({
  oneflowProductId: over.name,
  customId: null,
  quantity: 1,
  unitListPrice: 100,
  discount: { type: 'none' },
  ...over,
});

describe('hasWork', () => {
  it('is false for a plan with nothing in it', () => {
    expect(hasWork(emptyPlan())).toBe(false);
  });

  it('is true for a change, a skip, a property failure or a record failure', () => {
    expect(hasWork({ ...emptyPlan(), changes: [change({ property: 'Number', value: 'PO-1' })] })).toBe(true);
    expect(
      hasWork({
        ...emptyPlan(),
        skipped: [{ property: 'Number', source: 'data field "po"', reason: 'empty' }],
      }),
    ).toBe(true);
    expect(
      hasWork({ ...emptyPlan(), failures: [{ property: 'X', source: 'data field "x"', reason: 'unknown' }] }),
    ).toBe(true);
    expect(hasWork({ ...emptyPlan(), failure: 'participant #3 does not exist' })).toBe(true);
  });
});

describe('plannedProperties', () => {
  it('reports the skipped properties, then the failed ones, with their reasons', () => {
    const plan: ResourcePlan = {
      changes: [change({ property: 'Number', value: 'PO-1' })],
      skipped: [
        { property: 'SuperOffice:2', label: 'Delivery date', source: 'data field "d"', reason: 'empty' },
      ],
      failures: [{ property: 'OrgNr', source: 'data field "org"', reason: 'too long' }],
    };
    expect(plannedProperties(plan)).toEqual([
      {
        property: 'SuperOffice:2',
        label: 'Delivery date',
        status: 'skipped',
        source: 'data field "d"',
        reason: 'empty',
      },
      {
        property: 'OrgNr',
        label: undefined,
        status: 'failed',
        source: 'data field "org"',
        reason: 'too long',
      },
    ]);
  });

  it('reports nothing for changes alone', () => {
    expect(
      plannedProperties({ ...emptyPlan(), changes: [change({ property: 'Number', value: 'PO-1' })] }),
    ).toEqual([]);
  });
});

describe('partitionChanges', () => {
  const number = change({ property: 'Number', value: 'PO-1' });
  const score = change({
    property: 'SuperOffice:6',
    label: 'Score',
    kind: 'udef',
    type: 'integer',
    patchPath: 'CustomFields/SuperOffice:6',
    value: '43',
    display: '43',
  });

  it('reports what the record already has as unchanged and keeps the rest to write', () => {
    const entity = { Number: 'PO-1', CustomFields: { 'SuperOffice:6': '[I:42]' } };
    expect(partitionChanges(entity, [number, score])).toEqual({
      write: [score],
      unchanged: [
        {
          property: 'Number',
          label: 'Number',
          status: 'unchanged',
          display: 'PO-1',
          source: 'data field "number"',
        },
      ],
    });
  });

  it('compares custom fields in their decoded form and keys ignoring case', () => {
    const entity = { number: 'PO-1', customFields: { 'superoffice:6': '[I:43]' } };
    const { write, unchanged } = partitionChanges(entity, [number, score]);
    expect(write).toEqual([]);
    expect(unchanged.map((u) => u.property)).toEqual(['Number', 'SuperOffice:6']);
  });

  it('writes a property the record does not have', () => {
    expect(partitionChanges({}, [number])).toEqual({ write: [number], unchanged: [] });
  });
});

describe('settled', () => {
  const base = { type: 'Company' as const, id: 101, name: 'Nordlys Interiør AS' };

  it('takes its status from the properties', () => {
    expect(settled(base, [{ property: 'OrgNr', status: 'unchanged' }])).toEqual({
      ...base,
      status: 'unchanged',
      properties: [{ property: 'OrgNr', status: 'unchanged' }],
    });
    expect(settled(base, [{ property: 'OrgNr', status: 'failed', reason: 'x' }]).status).toBe('failed');
    expect(settled(base, [{ property: 'OrgNr', status: 'skipped' }]).status).toBe('skipped');
    expect(settled(base, []).status).toBe('skipped');
  });

  it('fails with the error when there is one, whatever the properties', () => {
    expect(settled(base, [{ property: 'OrgNr', status: 'unchanged' }], 'Company 101 does not exist')).toEqual(
      {
        ...base,
        status: 'failed',
        error: 'Company 101 does not exist',
        properties: [{ property: 'OrgNr', status: 'unchanged' }],
      },
    );
  });

  it('has no error key without an error', () => {
    expect(settled(base, [])).not.toHaveProperty('error');
  });
});

describe('productFailureResults', () => {
  it('reports each unreadable product as failed, named by its Oneflow id', () => {
    expect(
      productFailureResults([{ oneflowProductId: '804', name: 'Cable tray', reason: 'no price' }]),
    ).toEqual([
      { property: 'Cable tray', status: 'failed', source: 'Oneflow product 804', reason: 'no price' },
    ]);
    expect(productFailureResults([])).toEqual([]);
  });
});

describe('matchedProductResults', () => {
  it('reports the unchanged products, then the unmatched ones with the reason', () => {
    const match = matchProductsToQuoteLines(
      [
        product({ name: 'Desk lamp', oneflowProductId: '803', customId: 'LAMP-03' }),
        product({ name: 'Standing desk', oneflowProductId: '801', customId: 'DESK-01', quantity: 12 }),
        product({ name: 'Footrest', oneflowProductId: '805' }),
      ],
      [
        { QuoteLineId: 7303, ERPProductKey: 'LAMP-03', Name: 'Desk lamp', Quantity: 1, UnitListPrice: 100 },
        {
          QuoteLineId: 7301,
          ERPProductKey: 'DESK-01',
          Name: 'Standing desk',
          Quantity: 10,
          UnitListPrice: 100,
        },
      ],
    );
    expect(matchedProductResults(match)).toEqual([
      { property: 'Desk lamp', status: 'unchanged', source: 'Oneflow product "LAMP-03"' },
      {
        property: 'Footrest',
        status: 'failed',
        source: 'Oneflow product 805',
        reason: `no line of the Sale's quote has name "Footrest"`,
      },
    ]);
  });

  it('reports nothing when every product has a line to write', () => {
    expect(matchedProductResults({ unchanged: [], unmatched: [] })).toEqual([]);
  });
});
