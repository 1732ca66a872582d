import {
  checkMappingsAgainstCatalog,
  classifyProperty,
  formatPath,
  parseMappingDocument,
  parseMappingDocumentText,
  type MappingDocument,
} from '../../src/config/mapping-document';
import { buildPropertyCatalog } from '../../src/superoffice/field-catalog';
import { exampleDocument, demoCatalogInput } from '../mapping/demo-fixtures';

/** A valid document with `mappings` replaced, for checking one entry at a time. */
function withMappings(...mappings: unknown[]): unknown {
  return {
    smartSync: { dataFields: true, products: true },
    links: { sale: 'superoffice_sale_id' },
    mappings,
  };
}

function errorsOf(input: unknown): string[] {
  const result = parseMappingDocument(input);
  if (result.ok) throw new Error(`expected errors, got a valid document: ${JSON.stringify(result.value)}`);
  return result.errors;
}

describe('parseMappingDocument: valid documents', () => {
  it('accepts the example mapping document unchanged', () => {
    const result = parseMappingDocument(exampleDocument());
    expect(result).toEqual({ ok: true, value: exampleDocument() });
  });

  it('accepts a document without links.company and with no mappings', () => {
    const doc = {
      smartSync: { dataFields: false, products: true },
      links: { sale: 'sale_id' },
      mappings: [],
    };
    expect(parseMappingDocument(doc)).toEqual({ ok: true, value: doc });
  });

  it('accepts smartSync.markSaleSold, and a document without it keeps it absent (off)', () => {
    const doc = {
      smartSync: { dataFields: true, products: false, markSaleSold: true },
      links: { sale: 'sale_id' },
      mappings: [],
    };
    expect(parseMappingDocument(doc)).toEqual({ ok: true, value: doc });
    const without = parseMappingDocument(withMappings());
    expect(without.ok && without.value.smartSync).toEqual({ dataFields: true, products: true });
  });

  it('accepts every property form: standard field, SuperOffice ProgId, custom ProgId, extra field', () => {
    const doc = withMappings(
      { object: 'Sale', property: 'Heading', dataField: 'a' },
      { object: 'Sale', property: 'SuperOffice:12', dataField: 'b' },
      { object: 'Sale', property: 'Acme.Sales:3', dataField: 'c' },
      { object: 'Company', property: 'x_invoice_email', dataField: 'd' },
    );
    expect(parseMappingDocument(doc).ok).toBe(true);
  });

  it('gives each Contact mapping kind its own shape', () => {
    const result = parseMappingDocument(
      withMappings(
        { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
        { object: 'Contact', property: 'SuperOffice:4', participant: 2, dataField: 'p2_shoe_size' },
      ),
    );
    expect(result.ok && result.value.mappings).toEqual([
      { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
      { object: 'Contact', property: 'SuperOffice:4', participant: 2, dataField: 'p2_shoe_size' },
    ]);
  });

  it('allows the same property for different participants', () => {
    const doc = withMappings(
      { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
      { object: 'Contact', property: 'Title', participant: 2, participantField: 'title' },
    );
    expect(parseMappingDocument(doc).ok).toBe(true);
  });
});

describe('parseMappingDocument: each kind of mistake, with its message', () => {
  it('a Contact mapping without participant', () => {
    expect(
      errorsOf(
        withMappings(
          { object: 'Sale', property: 'Number', dataField: 'po_number' },
          { object: 'Sale', property: 'SuperOffice:2', dataField: 'delivery_date' },
          { object: 'Company', property: 'OrgNr', dataField: 'org_number' },
          { object: 'Contact', property: 'Title', participantField: 'title' },
        ),
      ),
    ).toEqual([
      'mappings[3].participant: a Contact mapping needs "participant": the number (1, 2, …) of the counterparty participant',
    ]);
  });

  it('participantField on a Sale', () => {
    expect(
      errorsOf(
        withMappings(
          { object: 'Sale', property: 'Number', dataField: 'po_number' },
          { object: 'Sale', property: 'Heading', participantField: 'name' },
        ),
      ),
    ).toEqual(['mappings[1]: "participantField" is only for Contact mappings; for a Sale use "dataField"']);
  });

  it('participantField on a Company', () => {
    expect(errorsOf(withMappings({ object: 'Company', property: 'Name', participantField: 'name' }))).toEqual(
      ['mappings[0]: "participantField" is only for Contact mappings; for a Company use "dataField"'],
    );
  });

  it('participant on a Sale or a Company', () => {
    expect(
      errorsOf(
        withMappings(
          { object: 'Sale', property: 'Number', dataField: 'po', participant: 1 },
          { object: 'Company', property: 'OrgNr', dataField: 'org', participant: 2 },
        ),
      ),
    ).toEqual([
      'mappings[0].participant: only Contact mappings take "participant"; a Sale mapping always writes to the contract\'s Sale',
      'mappings[1].participant: only Contact mappings take "participant"; a Company mapping always writes to the Sale\'s Company (or the one in links.company)',
    ]);
  });

  it('no value source', () => {
    expect(
      errorsOf(
        withMappings(
          { object: 'Sale', property: 'Number' },
          { object: 'Contact', property: 'Title', participant: 1 },
        ),
      ),
    ).toEqual([
      'mappings[0]: needs a value source: "dataField", the custom_id of the contract data field whose value is written',
      'mappings[1]: needs a value source: "dataField" (the custom_id of a contract data field) or "participantField" ("name", "email", "phone_number" or "title")',
    ]);
  });

  it('both value sources', () => {
    expect(
      errorsOf(
        withMappings({
          object: 'Contact',
          property: 'Title',
          participant: 1,
          dataField: 'title',
          participantField: 'title',
        }),
      ),
    ).toEqual([
      'mappings[0]: give either "dataField" (a contract data field) or "participantField" (an attribute of the participant), not both',
    ]);
  });

  it('an unknown object, with a hint for "Person" and for lower case', () => {
    expect(
      errorsOf(
        withMappings(
          { object: 'Person', property: 'Title', dataField: 'a' },
          { object: 'sale', property: 'Number', dataField: 'b' },
          { object: 'Deal', property: 'Number', dataField: 'c' },
          { property: 'Number', dataField: 'd' },
        ),
      ),
    ).toEqual([
      'mappings[0].object: must be "Sale", "Company" or "Contact", got "Person" (a person is a "Contact" here, as in the SuperOffice screens)',
      'mappings[1].object: must be "Sale", "Company" or "Contact", got "sale" (the name starts with a capital letter)',
      'mappings[2].object: must be "Sale", "Company" or "Contact", got "Deal"',
      'mappings[3].object: missing: "Sale", "Company" or "Contact"',
    ]);
  });

  it('a property that names nothing, or is missing or not text', () => {
    expect(
      errorsOf(
        withMappings(
          { object: 'Sale', property: 'Sale date', dataField: 'a' },
          { object: 'Sale', property: 'SuperOffice:', dataField: 'b' },
          { object: 'Sale', dataField: 'c' },
          { object: 'Sale', property: 7, dataField: 'd' },
        ),
      ),
    ).toEqual([
      'mappings[0].property: "Sale date" is not a property name: use a standard field such as "Number", a custom field ProgId such as "SuperOffice:2" or an extra field such as "x_invoice_email"',
      'mappings[1].property: "SuperOffice:" is not a property name: use a standard field such as "Number", a custom field ProgId such as "SuperOffice:2" or an extra field such as "x_invoice_email"',
      'mappings[2].property: missing: the SuperOffice property to write, a standard field such as "Number", a custom field ProgId such as "SuperOffice:2" or an extra field such as "x_invoice_email"',
      'mappings[3].property: must be a standard field such as "Number", a custom field ProgId such as "SuperOffice:2" or an extra field such as "x_invoice_email", got 7',
    ]);
  });

  it('a participant that is not a whole number from 1', () => {
    const contact = (participant: unknown) => ({
      object: 'Contact',
      property: 'Title',
      participant,
      participantField: 'title',
    });
    expect(errorsOf(withMappings(contact(0), contact(1.5), contact('2'), contact(-1)))).toEqual([
      'mappings[0].participant: must be a whole number from 1 (the first counterparty participant) upwards, got 0',
      'mappings[1].participant: must be a whole number from 1 (the first counterparty participant) upwards, got 1.5',
      'mappings[2].participant: must be the number (1, 2, …) of the counterparty participant, got "2" (write the number without quotes)',
      'mappings[3].participant: must be a whole number from 1 (the first counterparty participant) upwards, got -1',
    ]);
  });

  it('an unknown participantField', () => {
    expect(
      errorsOf(
        withMappings({ object: 'Contact', property: 'Title', participant: 1, participantField: 'phone' }),
      ),
    ).toEqual([
      'mappings[0].participantField: must be "name", "email", "phone_number" or "title", got "phone"',
    ]);
  });

  it('a dataField that is empty, padded or not text', () => {
    expect(
      errorsOf(
        withMappings(
          { object: 'Sale', property: 'Number', dataField: '' },
          { object: 'Sale', property: 'Heading', dataField: ' po_number' },
          { object: 'Sale', property: 'SaleText', dataField: 12 },
          { object: 'Sale', property: 'Postit', dataField: '   ' },
        ),
      ),
    ).toEqual([
      'mappings[0].dataField: is empty: give the custom_id of the contract data field whose value is written',
      'mappings[1].dataField: has spaces at the start or end; a custom_id must match the data field exactly',
      'mappings[2].dataField: must be the custom_id of the contract data field whose value is written (text), got 12',
      'mappings[3].dataField: is empty: give the custom_id of the contract data field whose value is written',
    ]);
  });

  it('unknown keys, with a suggestion when only the spelling differs', () => {
    expect(
      errorsOf(
        withMappings({ object: 'Sale', property: 'Number', data_field: 'po', dataField: 'po', note: 'x' }),
      ),
    ).toEqual([
      'mappings[0]: unknown keys "data_field" (did you mean "dataField"?), "note"; allowed keys: object, property, dataField, participant, participantField',
    ]);
    expect(
      errorsOf({
        smartSync: { dataFields: true, products: true, extra: 1 },
        links: { sale: 's' },
        mappings: [],
        x: 1,
      }),
    ).toEqual([
      'smartSync: unknown key "extra"; allowed keys: dataFields, products, markSaleSold, attachSignedPdf, signedPdfDocumentTypeId, signedPdfMaxBytes, addProducts, removeProducts',
      'the mapping document: unknown key "x"; allowed keys: smartSync, links, mappings',
    ]);
  });

  it('an unknown key in links, and a company link of the wrong type', () => {
    expect(
      errorsOf({
        smartSync: { dataFields: true, products: true },
        links: { sale: 's', person: 'p' },
        mappings: [],
      }),
    ).toEqual(['links: unknown key "person"; allowed keys: sale, company']);
    expect(
      errorsOf({
        smartSync: { dataFields: true, products: true },
        links: { sale: 's', company: 101 },
        mappings: [],
      }),
    ).toEqual([
      'links.company: must be the custom_id of the contract data field that holds the SuperOffice Company id (e.g. "superoffice_company_id") (text), got 101',
    ]);
  });

  it('missing sections and toggles', () => {
    expect(errorsOf({})).toEqual([
      'smartSync: missing: { "dataFields": true, "products": true }',
      'links: missing: { "sale": "superoffice_sale_id" }',
      'mappings: missing: a list of mappings such as [{ "object": "Sale", "property": "Number", "dataField": "po_number" }] ([] for none)',
    ]);
    expect(errorsOf({ smartSync: { dataFields: 'yes' }, links: {}, mappings: {} })).toEqual([
      'smartSync.dataFields: must be true or false, got "yes"',
      'smartSync.products: missing: true to sync products, false to leave them alone',
      'links.sale: missing: the custom_id of the contract data field that holds the SuperOffice Sale id (e.g. "superoffice_sale_id")',
      'mappings: must be a list of mappings such as [{ "object": "Sale", "property": "Number", "dataField": "po_number" }], got {}',
    ]);
  });

  it('a markSaleSold that is not true or false', () => {
    expect(
      errorsOf({
        smartSync: { dataFields: true, products: true, markSaleSold: 'yes' },
        links: { sale: 's' },
        mappings: [],
      }),
    ).toEqual([
      'smartSync.markSaleSold: must be true (mark the Sale Sold when the contract is signed) or false (leave its status alone), got "yes"',
    ]);
  });

  it('a document or a mapping that is not an object', () => {
    expect(errorsOf([])).toEqual([
      'the mapping document: must be a JSON object with "smartSync", "links" and "mappings", got []',
    ]);
    expect(errorsOf(withMappings('Sale.Number'))).toEqual([
      'mappings[0]: must be a mapping such as { "object": "Sale", "property": "Number", "dataField": "po_number" }, got "Sale.Number"',
    ]);
  });

  it('duplicates of object + participant + property, case-insensitively', () => {
    expect(
      errorsOf(
        withMappings(
          { object: 'Sale', property: 'Number', dataField: 'po_number' },
          { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
          { object: 'Sale', property: 'number', dataField: 'other' },
          { object: 'Contact', property: 'Title', participant: 1, dataField: 'title_field' },
        ),
      ),
    ).toEqual([
      'mappings[2]: maps "number" of the Sale again (already in mappings[0]); a property can be mapped only once per record',
      'mappings[3]: maps "Title" of participant 1\'s Contact again (already in mappings[1]); a property can be mapped only once per record',
    ]);
  });

  it('reports every mistake of a document at once', () => {
    const errors = errorsOf({
      smartSync: { dataFields: true, products: 1 },
      links: { sale: '' },
      mappings: [
        { object: 'Contact', property: 'Title', participantField: 'title' },
        { object: 'Sale', property: 'Number', participant: 'x', dataField: 'po' },
      ],
    });
    expect(errors).toEqual([
      'smartSync.products: must be true or false, got 1',
      'links.sale: is empty: give the custom_id of the contract data field that holds the SuperOffice Sale id (e.g. "superoffice_sale_id")',
      'mappings[0].participant: a Contact mapping needs "participant": the number (1, 2, …) of the counterparty participant',
      'mappings[1].participant: must be the number (1, 2, …) of the counterparty participant, got "x" (write the number without quotes)',
      'mappings[1].participant: only Contact mappings take "participant"; a Sale mapping always writes to the contract\'s Sale',
    ]);
  });

  // Both threw (a RangeError, a TypeError), a 500 on PUT /api/config; the fuzzer (test/server/fuzz.test.ts) found the first.
  it('values nested deeper than the stack, and objects whose "toString" is data', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    const contact = { object: 'Contact', property: 'Title', participantField: 'title' };
    expect(
      errorsOf(withMappings({ ...contact, participant: deep }, { ...contact, participant: deep })),
    ).toEqual([
      'mappings[0].participant: must be the number (1, 2, …) of the counterparty participant, got a list nested too deep to show',
      'mappings[1].participant: must be the number (1, 2, …) of the counterparty participant, got a list nested too deep to show',
      'mappings[1]: maps "Title" of participant a list nested too deep to show\'s Contact again (already in mappings[0]); a property can be mapped only once per record',
    ]);
    const participant = JSON.parse('{"toString":1,"valueOf":1}') as unknown;
    expect(errorsOf(withMappings({ ...contact, participant }))).toEqual([
      'mappings[0].participant: must be the number (1, 2, …) of the counterparty participant, got {"toString":1,"valueOf":1}',
    ]);
  });
});

describe('parseMappingDocumentText', () => {
  it('parses JSON text', () => {
    expect(parseMappingDocumentText(JSON.stringify(exampleDocument()))).toEqual({
      ok: true,
      value: exampleDocument(),
    });
  });

  it('reports JSON syntax errors in the same shape', () => {
    const result = parseMappingDocumentText('{ "smartSync": ');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toHaveLength(1);
    expect(!result.ok && result.errors[0]).toMatch(/^the mapping document is not valid JSON: /);
  });
});

describe('classifyProperty and formatPath', () => {
  it.each([
    ['Number', 'standard'],
    ['Saledate', 'standard'],
    ['SuperOffice:2', 'udef'],
    ['Acme.Sales:17', 'udef'],
    ['x_invoice_email', 'extra'],
    ['Sale date', null],
    ['x_', null],
    [':2', null],
    ['', null],
  ])('%j is %j', (property, kind) => {
    expect(classifyProperty(property)).toBe(kind);
  });

  it('formats zod paths the way admins read them', () => {
    expect(formatPath(['mappings', 3, 'participant'])).toBe('mappings[3].participant');
    expect(formatPath(['links', 'sale'])).toBe('links.sale');
    expect(formatPath([])).toBe('');
  });
});

describe('checkMappingsAgainstCatalog', () => {
  const catalog = buildPropertyCatalog(demoCatalogInput());
  const doc = (mappings: MappingDocument['mappings']): MappingDocument => ({
    smartSync: { dataFields: true, products: true },
    links: { sale: 'superoffice_sale_id' },
    mappings,
  });

  it('has no warnings for the example mapping document against the demo catalog', () => {
    expect(checkMappingsAgainstCatalog(exampleDocument(), catalog)).toEqual([]);
  });

  it('warns about unknown properties, with a suggestion when a label or prefix matches', () => {
    expect(
      checkMappingsAgainstCatalog(
        doc([
          { object: 'Sale', property: 'SuperOffice:99', dataField: 'a' },
          { object: 'Sale', property: 'Sale', dataField: 'b' },
          { object: 'Company', property: 'x_missing', dataField: 'c' },
          { object: 'Sale', property: 'Deliverydate', dataField: 'd' },
        ]),
        catalog,
      ),
    ).toEqual([
      {
        mappingIndex: 0,
        path: 'mappings[0].property',
        message:
          'Sale has no property "SuperOffice:99" in SuperOffice; this mapping will fail until it exists',
      },
      {
        mappingIndex: 1,
        path: 'mappings[1].property',
        message:
          'Sale has no property "Sale" in SuperOffice (did you mean "Saledate" or "SaleText"?); this mapping will fail until it exists',
      },
      {
        mappingIndex: 2,
        path: 'mappings[2].property',
        message: 'Company has no property "x_missing" in SuperOffice; this mapping will fail until it exists',
      },
      {
        mappingIndex: 3,
        path: 'mappings[3].property',
        message:
          'Sale has no property "Deliverydate" in SuperOffice (did you mean "SuperOffice:2"?); this mapping will fail until it exists',
      },
    ]);
  });

  it('warns about properties that are not smart-sync-ready, saying why', () => {
    expect(
      checkMappingsAgainstCatalog(
        doc([
          { object: 'Sale', property: 'SuperOffice:6', dataField: 'a' },
          { object: 'Sale', property: 'SaleId', dataField: 'b' },
          { object: 'Contact', property: 'FullName', participant: 1, participantField: 'name' },
        ]),
        catalog,
      ).map((w) => w.message),
    ).toEqual([
      'Sale "SuperOffice:6" (Legacy score) is not smart-sync-ready: read-only custom field; it will be skipped',
      'Sale "SaleId" (Sale ID) is not smart-sync-ready: system-controlled: set by SuperOffice when the record is saved; it will be skipped',
      'Contact "FullName" (Full name) is not smart-sync-ready: computed: SuperOffice derives it from other fields; it will be skipped',
    ]);
  });

  it('matches property names case-insensitively, as SuperOffice does', () => {
    expect(
      checkMappingsAgainstCatalog(
        doc([{ object: 'Sale', property: 'superoffice:2', dataField: 'a' }]),
        catalog,
      ),
    ).toEqual([]);
  });
});
