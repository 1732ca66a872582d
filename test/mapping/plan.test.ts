import type { Mapping, MappingDocument } from '../../src/config/mapping-document';
import { toContractFacts, type OneflowContractInput } from '../../src/mapping/contract-facts';
import { planSync, toJsonPatch, type SyncPlan } from '../../src/mapping/plan';
import { buildPropertyCatalog } from '../../src/superoffice/field-catalog';
import { exampleDocument, demoCatalogInput, demoContract } from './demo-fixtures';

const catalog = buildPropertyCatalog(demoCatalogInput());

function plan(document: MappingDocument, contract: OneflowContractInput = demoContract()): SyncPlan {
  return planSync({ facts: toContractFacts(contract), document, catalog });
}

function doc(mappings: Mapping[], toggles: Partial<MappingDocument['smartSync']> = {}): MappingDocument {
  return {
    smartSync: { dataFields: true, products: false, ...toggles },
    links: { sale: 'superoffice_sale_id', company: 'superoffice_company_id' },
    mappings,
  };
}

/** The demo contract with some data fields set (a value), cleared (null) or removed (undefined). */
function contractWith(values: Record<string, string | null | undefined>): OneflowContractInput {
  const contract = demoContract();
  const idOf = (f: { _private_ownerside?: { custom_id?: string | null } | null }) =>
    f._private_ownerside?.custom_id ?? '';
  const given = (id: string) => Object.hasOwn(values, id);
  const fields = (contract.data_fields ?? [])
    .filter((f) => !(given(idOf(f)) && values[idOf(f)] === undefined))
    .map((f) => (given(idOf(f)) ? { ...f, value: values[idOf(f)] } : f));
  const added = Object.entries(values)
    .filter(([id, value]) => value !== undefined && !fields.some((f) => idOf(f) === id))
    .map(([id, value]) => ({ value, _private_ownerside: { custom_id: id } }));
  return { ...contract, data_fields: [...fields, ...added] };
}

describe('planSync with the example mapping document and the demo contract', () => {
  const result = plan(exampleDocument());

  it('links the Sale and the Company from their data fields', () => {
    expect(result).toMatchObject({
      contractId: 9001,
      saleId: 2001,
      companyId: 101,
      companyFrom: 'link',
      dataFields: { enabled: true },
      products: { enabled: true },
      errors: [],
      nothingToSync: false,
    });
  });

  it('plans the Sale: a standard text field and a date udef', () => {
    expect(result.sale).toEqual({
      changes: [
        {
          property: 'Number',
          label: 'Number',
          kind: 'standard',
          type: 'text',
          patchPath: 'Number',
          value: 'PO-2026-0042',
          display: 'PO-2026-0042',
          source: 'data field "po_number"',
        },
        {
          property: 'SuperOffice:2',
          label: 'Delivery date',
          kind: 'udef',
          type: 'date',
          patchPath: 'CustomFields/SuperOffice:2',
          value: '2026-12-15',
          display: '2026-12-15',
          source: 'data field "delivery_date"',
        },
      ],
      skipped: [],
      failures: [],
    });
  });

  it('plans the Company', () => {
    expect(result.company.changes.map((c) => [c.patchPath, c.value])).toEqual([['OrgNr', '987654321']]);
  });

  it('plans one Contact per participant: a participant attribute and a data field', () => {
    expect(result.contacts).toEqual([
      {
        participant: 1,
        email: 'anna.berg@nordlys.example',
        name: 'Anna Berg',
        partyName: 'Nordlys Interiør AS',
        changes: [
          {
            property: 'Title',
            label: 'Title',
            kind: 'standard',
            type: 'text',
            patchPath: 'Title',
            value: 'Head of Purchasing',
            display: 'Head of Purchasing',
            source: "participant #1's title",
          },
        ],
        skipped: [],
        failures: [],
      },
      {
        participant: 2,
        email: 'jonas.dahl@nordlys.example',
        name: 'Jonas Dahl',
        partyName: 'Nordlys Interiør AS',
        changes: [
          {
            property: 'SuperOffice:4',
            label: 'Shoe size',
            kind: 'udef',
            type: 'integer',
            patchPath: 'CustomFields/SuperOffice:4',
            value: '43',
            display: '43',
            source: 'data field "p2_shoe_size"',
          },
        ],
        skipped: [],
        failures: [],
      },
    ]);
  });

  it('plans the product lines: percent discount, none, and a per-unit amount turned into the line total', () => {
    expect(result.productLines).toEqual([
      {
        oneflowProductId: '801',
        customId: 'DESK-01',
        name: 'Standing desk',
        quantity: 12,
        unitListPrice: 4500,
        discount: { type: 'percent', percent: 10 },
      },
      {
        oneflowProductId: '802',
        customId: 'CHAIR-02',
        name: 'Ergonomic chair',
        quantity: 12,
        unitListPrice: 2200,
        discount: { type: 'none' },
      },
      {
        oneflowProductId: '803',
        customId: 'LAMP-03',
        name: 'Desk lamp',
        quantity: 8,
        unitListPrice: 450,
        discount: { type: 'amount', perUnit: 50, lineTotal: 400 },
      },
    ]);
    expect(result.productFailures).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it('turns changes into a JSON Patch body', () => {
    expect(toJsonPatch(result.sale.changes)).toEqual([
      { op: 'replace', path: 'Number', value: 'PO-2026-0042' },
      { op: 'replace', path: 'CustomFields/SuperOffice:2', value: '2026-12-15' },
    ]);
  });

  it('is plain JSON, so it can be an activity result', () => {
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('planSync: every mapping kind', () => {
  it('writes a list udef by item id, a checkbox udef, an extra field and a decimal', () => {
    const result = plan(
      doc([
        { object: 'Sale', property: 'SuperOffice:3', dataField: 'delivery_method' },
        { object: 'Sale', property: 'SuperOffice:5', dataField: 'margin' },
        { object: 'Company', property: 'SuperOffice:1', dataField: 'framework_agreement' },
        { object: 'Company', property: 'x_invoice_email', dataField: 'invoice_email' },
      ]),
      contractWith({ margin: '12,5', invoice_email: 'invoice@nordlys.example' }),
    );
    expect(result.sale.changes.map((c) => [c.patchPath, c.value, c.display])).toEqual([
      ['CustomFields/SuperOffice:3', '3', 'Freight'],
      ['CustomFields/SuperOffice:5', '12.5', '12.5'],
    ]);
    expect(result.company.changes.map((c) => [c.patchPath, c.value, c.display])).toEqual([
      ['CustomFields/SuperOffice:1', '1', 'checked'],
      ['CustomFields/x_invoice_email', 'invoice@nordlys.example', 'invoice@nordlys.example'],
    ]);
  });

  it('writes the standard date-time Saledate as an ISO date-time', () => {
    const result = plan(doc([{ object: 'Sale', property: 'Saledate', dataField: 'delivery_date' }]));
    expect(result.sale.changes.map((c) => c.value)).toEqual(['2026-12-15T00:00:00']);
  });

  it('reads every participant attribute', () => {
    const result = plan(
      doc([
        { object: 'Contact', property: 'Firstname', participant: 1, participantField: 'name' },
        { object: 'Contact', property: 'Description', participant: 1, participantField: 'email' },
        { object: 'Contact', property: 'PersonNumber', participant: 1, participantField: 'phone_number' },
        { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
      ]),
    );
    expect(result.contacts[0]?.changes.map((c) => [c.property, c.value, c.source])).toEqual([
      ['Firstname', 'Anna Berg', "participant #1's name"],
      ['Description', 'anna.berg@nordlys.example', "participant #1's email"],
      ['PersonNumber', '+4791234567', "participant #1's phone number"],
      ['Title', 'Head of Purchasing', "participant #1's title"],
    ]);
  });

  it('finds properties case-insensitively and writes with the catalog spelling', () => {
    const result = plan(doc([{ object: 'Sale', property: 'number', dataField: 'po_number' }]));
    expect(result.sale.changes.map((c) => [c.property, c.patchPath])).toEqual([['Number', 'Number']]);
  });

  it('lists Contacts by participant number whatever the mapping order', () => {
    const result = plan(
      doc([
        { object: 'Contact', property: 'Title', participant: 2, participantField: 'title' },
        { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
        { object: 'Contact', property: 'SuperOffice:4', participant: 2, dataField: 'p2_shoe_size' },
      ]),
    );
    expect(result.contacts.map((c) => [c.participant, c.changes.map((x) => x.property)])).toEqual([
      [1, ['Title']],
      [2, ['Title', 'SuperOffice:4']],
    ]);
  });
});

describe('planSync: what fails, what is skipped, and that neither blocks the rest', () => {
  it('skips a mapping to a data field the contract does not have as "not in this contract", not a failure', () => {
    const result = plan(
      doc([
        { object: 'Sale', property: 'Heading', dataField: 'no_such_field' },
        { object: 'Sale', property: 'Number', dataField: 'po_number' },
      ]),
    );
    expect(result.sale.failures).toEqual([]);
    expect(result.sale.skipped).toEqual([
      {
        property: 'Heading',
        label: 'Heading',
        source: 'data field "no_such_field"',
        reason: 'not in this contract (it has no data field "no_such_field")',
      },
    ]);
    expect(result.sale.changes.map((c) => c.property)).toEqual(['Number']);
  });

  it('fails a mapping to a property SuperOffice does not have', () => {
    const result = plan(doc([{ object: 'Company', property: 'x_gone', dataField: 'org_number' }]));
    expect(result.company.failures).toEqual([
      {
        property: 'x_gone',
        source: 'data field "org_number"',
        reason: 'SuperOffice has no Company property "x_gone"',
      },
    ]);
  });

  it('skips properties that are not smart-sync-ready, saying why', () => {
    const result = plan(
      doc([
        { object: 'Sale', property: 'SuperOffice:6', dataField: 'p2_shoe_size' },
        { object: 'Sale', property: 'SaleId', dataField: 'superoffice_sale_id' },
        { object: 'Sale', property: 'Number', dataField: 'po_number' },
      ]),
    );
    expect(result.sale.skipped).toEqual([
      {
        property: 'SuperOffice:6',
        label: 'Legacy score',
        source: 'data field "p2_shoe_size"',
        reason: 'not smart-sync-ready: read-only custom field',
      },
      {
        property: 'SaleId',
        label: 'Sale ID',
        source: 'data field "superoffice_sale_id"',
        reason: 'not smart-sync-ready: system-controlled: set by SuperOffice when the record is saved',
      },
    ]);
    expect(result.sale.changes.map((c) => c.property)).toEqual(['Number']);
  });

  it('fails an unconvertible value and still writes the others', () => {
    const result = plan(
      doc([
        { object: 'Sale', property: 'SuperOffice:5', dataField: 'margin' },
        { object: 'Sale', property: 'SuperOffice:3', dataField: 'delivery_method' },
        { object: 'Sale', property: 'SuperOffice:1', dataField: 'customer_reference' },
        { object: 'Sale', property: 'Number', dataField: 'po_number' },
      ]),
      contractWith({ margin: 'about ten', delivery_method: 'Drone', customer_reference: 'r'.repeat(41) }),
    );
    expect(result.sale.failures.map((f) => [f.property, f.reason])).toEqual([
      ['SuperOffice:5', '"about ten" is not a number'],
      [
        'SuperOffice:3',
        '"Drone" is not an item of the list "Delivery method"; the items are: Courier, Pick-up, Freight',
      ],
      ['SuperOffice:1', 'the text is 41 characters long; "Customer reference" holds at most 40 characters'],
    ]);
    expect(result.sale.changes.map((c) => c.property)).toEqual(['Number']);
    expect(result.sale.failure).toBeUndefined();
  });

  it('skips an empty data field and an empty participant attribute instead of clearing CRM data', () => {
    const result = plan(
      doc([
        { object: 'Sale', property: 'Number', dataField: 'po_number' },
        { object: 'Contact', property: 'PersonNumber', participant: 2, participantField: 'phone_number' },
      ]),
      contractWith({ po_number: '  ' }),
    );
    expect(result.sale.skipped).toEqual([
      {
        property: 'Number',
        label: 'Number',
        source: 'data field "po_number"',
        reason: 'data field "po_number" is empty; the SuperOffice value was left as it is',
      },
    ]);
    expect(result.contacts[0]?.skipped).toEqual([
      {
        property: 'PersonNumber',
        label: 'Number',
        source: "participant #2's phone number",
        reason: 'participant #2 has no phone number on the contract; the SuperOffice value was left as it is',
      },
    ]);
  });

  it('fails a Contact whose participant number does not exist, and plans the others', () => {
    const result = plan(
      doc([
        { object: 'Contact', property: 'Title', participant: 3, participantField: 'title' },
        { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
      ]),
    );
    expect(result.contacts).toEqual([
      expect.objectContaining({
        participant: 1,
        changes: [expect.objectContaining({ value: 'Head of Purchasing' })],
      }),
      {
        participant: 3,
        email: null,
        name: null,
        partyName: null,
        changes: [],
        skipped: [],
        failures: [],
        failure: 'no counterparty participant #3 on the contract (it has 2)',
      },
    ]);
  });

  it('fails a Contact whose participant has no email: the person cannot be found', () => {
    const contract = demoContract();
    const anna = contract.parties?.[1]?.participants?.[0];
    if (anna) Object.assign(anna, { email: null });
    const result = plan(
      doc([{ object: 'Contact', property: 'Title', participant: 1, participantField: 'title' }]),
      contract,
    );
    expect(result.contacts[0]?.failure).toBe(
      'participant #1 (Anna Berg) has no email address, so their Contact cannot be found in SuperOffice',
    );
  });

  it('says "none" when the contract has no counterparty participant at all', () => {
    const result = plan(
      doc([{ object: 'Contact', property: 'Title', participant: 1, participantField: 'title' }]),
      {
        ...demoContract(),
        parties: [],
      },
    );
    expect(result.contacts[0]?.failure).toBe('no counterparty participant #1 on the contract (it has none)');
  });
});

describe('planSync: links', () => {
  it.each([
    [
      undefined,
      'the contract has no data field "superoffice_sale_id" (links.sale), so the SuperOffice Sale is unknown',
    ],
    ['', 'data field "superoffice_sale_id" (links.sale) is empty, so the SuperOffice Sale is unknown'],
    [
      'SO-2001',
      'data field "superoffice_sale_id" (links.sale) holds "SO-2001", which is not a SuperOffice Sale id',
    ],
    ['0', 'data field "superoffice_sale_id" (links.sale) holds "0", which is not a SuperOffice Sale id'],
    [
      '99999999999',
      'data field "superoffice_sale_id" (links.sale) holds "99999999999", which is not a SuperOffice Sale id',
    ],
  ])('a sale link of %j fails the Sale, the Products and the Company taken from it', (value, message) => {
    const contract = contractWith({ superoffice_sale_id: value, superoffice_company_id: undefined });
    const document = doc(
      [
        { object: 'Sale', property: 'Number', dataField: 'po_number' },
        { object: 'Company', property: 'OrgNr', dataField: 'org_number' },
      ],
      { products: true },
    );
    const result = plan(document, contract);
    expect(result.saleId).toBeNull();
    expect(result.errors).toEqual([message]);
    expect(result.sale.failure).toBe(message);
    expect(result.products.failure).toBe(message);
    expect(result.company.failure).toBe(`the Company is the Sale's own, and ${message}`);
  });

  it('accepts a padded id', () => {
    expect(plan(doc([]), contractWith({ superoffice_sale_id: ' 2001 ' })).saleId).toBe(2001);
  });

  it("falls back to the Sale's own Company when the company link is missing or empty", () => {
    for (const value of [undefined, '']) {
      const result = plan(
        doc([{ object: 'Company', property: 'OrgNr', dataField: 'org_number' }]),
        contractWith({ superoffice_company_id: value }),
      );
      expect(result).toMatchObject({ companyId: null, companyFrom: 'sale', errors: [] });
      expect(result.company.failure).toBeUndefined();
      expect(result.notes[0]).toMatch(
        /^(the contract has no data field|data field) "superoffice_company_id".*: the Sale's own Company is used$/,
      );
    }
  });

  it('fails the Company when the company link holds junk, instead of writing to another Company', () => {
    const result = plan(
      doc([{ object: 'Company', property: 'OrgNr', dataField: 'org_number' }]),
      contractWith({ superoffice_company_id: 'Nordlys' }),
    );
    const message =
      'data field "superoffice_company_id" (links.company) holds "Nordlys", which is not a SuperOffice Company id';
    expect(result).toMatchObject({ companyId: null, companyFrom: 'link', errors: [message] });
    expect(result.company.failure).toBe(message);
  });

  it("uses the Sale's own Company when links.company is not configured", () => {
    const document = {
      ...doc([{ object: 'Company', property: 'OrgNr', dataField: 'org_number' }], { products: true }),
      links: { sale: 'superoffice_sale_id' },
    };
    const result = plan(document);
    expect(result).toMatchObject({
      saleId: 2001,
      companyId: null,
      companyFrom: 'sale',
      notes: [],
      errors: [],
    });
    expect(result.company.changes.map((c) => c.value)).toEqual(['987654321']);
  });
});

describe('planSync: toggles and empty documents', () => {
  const mappings: Mapping[] = [{ object: 'Sale', property: 'Number', dataField: 'po_number' }];

  it('writes no property when Data fields is off, but still plans products', () => {
    const result = plan(doc(mappings, { dataFields: false, products: true }));
    expect(result.dataFields).toEqual({
      enabled: false,
      skippedReason: 'Data fields are off in the Smart Sync settings',
    });
    expect(result.sale).toEqual({ changes: [], skipped: [], failures: [] });
    expect(result.contacts).toEqual([]);
    expect(result.productLines).toHaveLength(3);
    expect(result.notes).toEqual(['Data fields are off: no property was written']);
    expect(result.nothingToSync).toBe(false);
  });

  it('plans no product when Products is off', () => {
    const result = plan(doc(mappings, { products: false }));
    expect(result.products).toEqual({
      enabled: false,
      skippedReason: 'Products are off in the Smart Sync settings',
    });
    expect(result.productLines).toEqual([]);
    expect(result.notes).toEqual(["Products are off: the Sale's products were not updated"]);
    expect(result.sale.changes).toHaveLength(1);
  });

  it('has nothing to sync without mappings and with Products off', () => {
    const result = plan(doc([], { products: false }));
    expect(result).toMatchObject({
      nothingToSync: true,
      nothingToSyncReason: 'there are no mappings and Products is off',
      notes: ['No mappings: nothing to sync', "Products are off: the Sale's products were not updated"],
    });
  });

  it('has nothing to sync with both toggles off', () => {
    expect(plan(doc(mappings, { dataFields: false, products: false }))).toMatchObject({
      nothingToSync: true,
      nothingToSyncReason: 'Data fields and Products are both off',
    });
  });

  it('still syncs products without mappings', () => {
    const result = plan(doc([], { products: true }));
    expect(result.nothingToSync).toBe(false);
    expect(result.notes).toEqual(['No mappings: no property to write']);
    expect(result.productLines).toHaveLength(3);
  });

  it('notes a contract without products', () => {
    const result = plan(doc([], { products: true }), { ...demoContract(), product_groups: [] });
    expect(result.notes).toEqual([
      'No mappings: no property to write',
      "The contract has no products: the Sale's products were left as they are",
    ]);
  });

  it('reports products it cannot read, and plans the rest', () => {
    const contract = demoContract();
    const lamp = contract.product_groups?.[0]?.products?.[2];
    if (lamp) Object.assign(lamp, { quantity: { amount: 'eight', type: 'quantity' } });
    const result = plan(doc([], { products: true }), contract);
    expect(result.productFailures).toEqual([
      { oneflowProductId: '803', name: 'Desk lamp', reason: 'its quantity "eight" is not a number' },
    ]);
    expect(result.productLines.map((p) => p.name)).toEqual(['Standing desk', 'Ergonomic chair']);
  });

  it('rounds the line discount of a fractional quantity', () => {
    const contract = demoContract();
    const lamp = contract.product_groups?.[0]?.products?.[2];
    if (lamp)
      Object.assign(lamp, {
        quantity: { amount: '3', type: 'quantity' },
        price_1: { base_amount: { amount: '10' }, discount_amount: { amount: '0.1' } },
      });
    const result = plan(doc([], { products: true }), contract);
    expect(result.productLines[2]?.discount).toEqual({ type: 'amount', perUnit: 0.1, lineTotal: 0.3 });
  });
});
