import type { Mapping, MappingDocument } from '../../src/config/mapping-document';
import { toContractFacts, type OneflowContractInput } from '../../src/mapping/contract-facts';
import { planSync } from '../../src/mapping/plan';
import { planSaleSold, SALE_SOLD_SOURCE, SIGNING_DATE_SOURCE } from '../../src/mapping/sale-sold';
import { buildPropertyCatalog } from '../../src/superoffice/field-catalog';
import { demoCatalogInput, demoContract } from './demo-fixtures';

const catalog = buildPropertyCatalog(demoCatalogInput());
const SIGNED_AT = '2026-11-20T14:05:09+00:00';

function doc(markSaleSold: boolean | undefined, mappings: Mapping[] = []): MappingDocument {
  return {
    smartSync: {
      dataFields: true,
      products: false,
      ...(markSaleSold !== undefined ? { markSaleSold } : {}),
    },
    links: { sale: 'superoffice_sale_id' },
    mappings,
  };
}

function contract(changes: Partial<OneflowContractInput> = {}): OneflowContractInput {
  return { ...demoContract(), state_updated_time: SIGNED_AT, ...changes };
}

function sold(document: MappingDocument, currentStatus: string | null, input = contract()) {
  return planSaleSold({ facts: toContractFacts(input), document, catalog, currentStatus });
}

const statusSold = {
  property: 'Status',
  kind: 'standard',
  type: 'text',
  patchPath: 'Status',
  value: 'Sold',
  display: 'Sold',
  source: SALE_SOLD_SOURCE,
};

describe('contract facts: signedAt', () => {
  it('is the state time of a signed contract', () => {
    expect(toContractFacts(contract()).signedAt).toBe(SIGNED_AT);
  });

  it('is absent while the contract is not signed, or says no time', () => {
    expect(toContractFacts(contract({ state: 'pending' }))).not.toHaveProperty('signedAt');
    expect(toContractFacts(contract({ state_updated_time: null }))).not.toHaveProperty('signedAt');
  });
});

describe('planSaleSold', () => {
  it('does nothing while markSaleSold is off or absent', () => {
    expect(sold(doc(false), 'Open')).toEqual({ changes: [], skipped: [] });
    expect(sold(doc(undefined), 'Open')).toEqual({ changes: [], skipped: [] });
  });

  it('does nothing for a contract that is not signed (a preview)', () => {
    expect(sold(doc(true), 'Open', contract({ state: 'pending' }))).toEqual({ changes: [], skipped: [] });
  });

  it('marks an open Sale Sold on the date of signing, written as a mapped Saledate is', () => {
    const plan = sold(doc(true), 'Open');
    expect(plan.skipped).toEqual([]);
    expect(plan.changes).toEqual([
      expect.objectContaining(statusSold),
      expect.objectContaining({
        property: 'Saledate',
        type: 'datetime',
        patchPath: 'Saledate',
        value: '2026-11-20T00:00:00',
        display: '2026-11-20',
        source: SIGNING_DATE_SOURCE,
      }),
    ]);
  });

  it('leaves a Sale that is Sold already alone: only the Status, which the plan step reports unchanged', () => {
    expect(sold(doc(true), 'Sold')).toEqual({ changes: [expect.objectContaining(statusSold)], skipped: [] });
  });

  it('does not change a Lost Sale and says so', () => {
    const plan = sold(doc(true), 'Lost');
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([
      expect.objectContaining({
        property: 'Status',
        source: SALE_SOLD_SOURCE,
        reason: expect.stringContaining('the Sale is Lost in SuperOffice, so it was not marked Sold'),
      }),
    ]);
  });

  it('leaves Saledate to its mapping when a data field is mapped to it', () => {
    const mapped = doc(true, [{ object: 'Sale', property: 'Saledate', dataField: 'delivery_date' }]);
    expect(sold(mapped, 'Open').changes).toEqual([expect.objectContaining(statusSold)]);
    const facts = toContractFacts(contract());
    const plan = planSync({ facts, document: mapped, catalog });
    expect(plan.sale.changes).toEqual([
      expect.objectContaining({ property: 'Saledate', value: '2026-12-15T00:00:00' }),
    ]);
  });

  it('writes the signing date when the Saledate mapping is not applied (data fields off)', () => {
    const mapped: MappingDocument = {
      ...doc(true, [{ object: 'Sale', property: 'Saledate', dataField: 'delivery_date' }]),
    };
    mapped.smartSync.dataFields = false;
    expect(sold(mapped, 'Open').changes.map((c) => c.property)).toEqual(['Status', 'Saledate']);
  });

  it('marks the Sale Sold without a date when the contract does not say when it was signed', () => {
    const plan = sold(doc(true), 'Open', contract({ state_updated_time: null }));
    expect(plan.changes).toEqual([expect.objectContaining(statusSold)]);
    expect(plan.skipped).toEqual([
      expect.objectContaining({
        property: 'Saledate',
        source: SIGNING_DATE_SOURCE,
        reason: expect.stringContaining('does not say when it was signed'),
      }),
    ]);
  });

  it('keeps planSync from calling a document with only markSaleSold on "nothing to sync"', () => {
    const only: MappingDocument = {
      ...doc(true),
      smartSync: { dataFields: false, products: false, markSaleSold: true },
    };
    expect(planSync({ facts: toContractFacts(contract()), document: only, catalog }).nothingToSync).toBe(
      false,
    );
  });
});
