import {
  type MappingDocument,
  MAPPING_OBJECTS,
  PARTICIPANT_FIELDS as SERVER_PARTICIPANT_FIELDS,
  parseMappingDocument,
} from '../../src/config/mapping-document';
import {
  describeSource,
  emptyDocument,
  formatDuration,
  formValuesOf,
  mappingFromForm,
  type MappingFormValues,
  mappingRows,
  nextTabIndex,
  OBJECTS,
  outcomeOf,
  PARTICIPANT_FIELDS,
  propertyOptions,
  readinessOf,
  resourceTitle,
  splitServerErrors,
  tabFromHash,
  withLinks,
  withMapping,
  withoutMapping,
  withToggle,
} from '../../src/server/settings-page/browser/settings-model';
import type { CatalogProperty, PropertyCatalog } from '../../src/superoffice/field-catalog';
import demoMapping from '../../config/demo-mapping.json';
import type { ResourceResult } from '../../src/workflow-contract';

const demo = () => structuredClone(demoMapping) as MappingDocument;

function prop(
  object: CatalogProperty['object'],
  property: string,
  label: string,
  notReadyReason?: string,
): CatalogProperty {
  return {
    object,
    property,
    label,
    kind: property.includes(':') ? 'udef' : 'standard',
    type: 'text',
    ready: notReadyReason === undefined,
    ...(notReadyReason ? { notReadyReason } : {}),
    patchPath: property,
  };
}

const catalog: PropertyCatalog = {
  Sale: [
    prop('Sale', 'Number', 'Number'),
    prop('Sale', 'SuperOffice:2', 'Delivery date'),
    prop('Sale', 'SuperOffice:6', 'Legacy score', 'read-only custom field'),
    prop('Sale', 'SaleId', 'Sale ID', 'system-controlled: set by SuperOffice when the record is saved'),
    prop('Sale', 'Heading', 'Heading'),
  ],
  Company: [prop('Company', 'OrgNr', 'Organisation number')],
  Contact: [prop('Contact', 'Title', 'Title'), prop('Contact', 'SuperOffice:4', 'Shoe size')],
};

describe('what the page shares with the server', () => {
  it('knows the same objects and participant attributes as the mapping document schema', () => {
    expect(OBJECTS).toEqual(MAPPING_OBJECTS);
    expect(PARTICIPANT_FIELDS).toEqual(SERVER_PARTICIPANT_FIELDS);
  });

  it('starts an empty store from a document the server accepts', () => {
    expect(parseMappingDocument(emptyDocument())).toEqual({ ok: true, value: emptyDocument() });
  });
});

describe('tabs', () => {
  it('moves with the arrow keys, wrapping around, and jumps with Home and End', () => {
    expect(nextTabIndex(0, 'ArrowRight', 3)).toBe(1);
    expect(nextTabIndex(2, 'ArrowRight', 3)).toBe(0);
    expect(nextTabIndex(0, 'ArrowLeft', 3)).toBe(2);
    expect(nextTabIndex(1, 'Home', 3)).toBe(0);
    expect(nextTabIndex(0, 'End', 3)).toBe(2);
    expect(nextTabIndex(1, 'Enter', 3)).toBeNull();
    expect(nextTabIndex(1, 'ArrowDown', 3)).toBeNull();
  });

  it('opens the tab the address names, else the first', () => {
    expect(tabFromHash('#runs')).toBe('runs');
    expect(tabFromHash('#mappings')).toBe('mappings');
    expect(tabFromHash('')).toBe('smart-sync');
    expect(tabFromHash('#nonsense')).toBe('smart-sync');
  });
});

describe('edits', () => {
  it('toggle, add, replace and remove without changing the document they were given', () => {
    const doc = demo();
    const before = structuredClone(doc);
    const off = withToggle(doc, 'products', false);
    expect(off.smartSync).toEqual({ dataFields: true, products: false });
    const added = withMapping(doc, { object: 'Sale', property: 'Heading', dataField: 'po_number' });
    expect(added.mappings.at(-1)).toEqual({ object: 'Sale', property: 'Heading', dataField: 'po_number' });
    expect(added.mappings).toHaveLength(doc.mappings.length + 1);
    const replaced = withMapping(doc, { object: 'Sale', property: 'Heading', dataField: 'x' }, 0);
    expect(replaced.mappings[0]).toEqual({ object: 'Sale', property: 'Heading', dataField: 'x' });
    expect(replaced.mappings).toHaveLength(doc.mappings.length);
    const removed = withoutMapping(doc, 0);
    expect(removed.mappings).toEqual(doc.mappings.slice(1));
    expect(doc).toEqual(before);
  });

  it('drops an empty Company link, so the Company defaults to the Sale’s own', () => {
    expect(withLinks(demo(), ' superoffice_sale_id ', '  ').links).toEqual({ sale: 'superoffice_sale_id' });
    expect(withLinks(demo(), 'a', 'b').links).toEqual({ sale: 'a', company: 'b' });
  });
});

describe('the ⚡ column', () => {
  it('marks ready properties, warns about the others with the reason, and about unknown ones', () => {
    expect(readinessOf({ object: 'Sale', property: 'SuperOffice:2' }, catalog)).toMatchObject({
      state: 'ready',
    });
    expect(readinessOf({ object: 'Sale', property: 'superoffice:2' }, catalog)).toMatchObject({
      state: 'ready',
    });
    expect(readinessOf({ object: 'Sale', property: 'SuperOffice:6' }, catalog)).toEqual({
      state: 'not-ready',
      property: catalog.Sale[2],
      message: 'Not smart-sync-ready: read-only custom field. Smart Sync skips it.',
    });
    expect(readinessOf({ object: 'Sale', property: 'SuperOffice:99' }, catalog)).toEqual({
      state: 'unknown',
      message: 'SuperOffice has no Sale property "SuperOffice:99": this mapping fails until it exists.',
    });
    expect(readinessOf({ object: 'Sale', property: 'Number' }, null)).toEqual({ state: 'unchecked' });
  });

  it('gives one row per mapping with the columns of the page', () => {
    const doc = demo();
    doc.mappings = [
      { object: 'Sale', property: 'SuperOffice:2', dataField: 'delivery_date' },
      { object: 'Contact', property: 'Title', participant: 2, participantField: 'title' },
      { object: 'Sale', property: 'SuperOffice:6', dataField: 'p2_shoe_size' },
    ];
    const rows = mappingRows(doc, catalog);
    expect(
      rows.map((r) => [r.object, r.propertyLabel, r.propertyKey, r.source, r.participant, r.readiness.state]),
    ).toEqual([
      ['Sale', 'Delivery date', 'SuperOffice:2', 'Data field: delivery_date', '', 'ready'],
      ['Contact', 'Title', 'Title', 'Participant attribute: Title', '2', 'ready'],
      ['Sale', 'Legacy score', 'SuperOffice:6', 'Data field: p2_shoe_size', '', 'not-ready'],
    ]);
    expect(mappingRows(doc, null)[0]).toMatchObject({
      propertyLabel: 'SuperOffice:2',
      readiness: { state: 'unchecked' },
    });
  });

  it('offers ready properties first, then the others with their reason, and keeps a mapped unknown one', () => {
    const options = propertyOptions(catalog, 'Sale');
    expect(options.map((o) => o.label)).toEqual([
      '⚡ Delivery date (SuperOffice:2)',
      '⚡ Heading (Heading)',
      '⚡ Number (Number)',
      'Legacy score (SuperOffice:6) — not ready: read-only custom field',
      'Sale ID (SaleId) — not ready: system-controlled: set by SuperOffice when the record is saved',
    ]);
    expect(propertyOptions(catalog, 'Sale', 'x_gone')[0]).toEqual({
      value: 'x_gone',
      label: 'x_gone (not in SuperOffice)',
      ready: false,
    });
    expect(propertyOptions(catalog, 'Sale', 'number')).toHaveLength(5);
  });
});

describe('the mapping form', () => {
  const form = (over: Partial<MappingFormValues>): MappingFormValues => ({ ...formValuesOf(), ...over });

  it('round-trips every kind of mapping through the form', () => {
    for (const mapping of demo().mappings) {
      expect(mappingFromForm(formValuesOf(mapping))).toEqual({ ok: true, mapping });
    }
  });

  it('builds mappings the server accepts', () => {
    const cases = [
      form({ object: 'Sale', property: 'Saledate', dataField: ' delivery_date ' }),
      form({
        object: 'Contact',
        property: 'Title',
        participant: '2',
        sourceKind: 'participantField',
        participantField: 'email',
      }),
      form({
        object: 'Contact',
        property: 'SuperOffice:4',
        participant: '1',
        sourceKind: 'dataField',
        dataField: 'p2_shoe_size',
      }),
      // A Sale ignores the Contact-only inputs left over from switching the object.
      form({
        object: 'Sale',
        property: 'Number',
        sourceKind: 'participantField',
        dataField: 'po_number',
        participant: '7',
      }),
    ];
    for (const values of cases) {
      const result = mappingFromForm(values);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      const doc = { ...emptyDocument(), mappings: [result.mapping] };
      expect(parseMappingDocument(doc)).toEqual({ ok: true, value: doc });
    }
    expect(mappingFromForm(cases[0]!)).toEqual({
      ok: true,
      mapping: { object: 'Sale', property: 'Saledate', dataField: 'delivery_date' },
    });
  });

  it('says what is missing, field by field', () => {
    const result = mappingFromForm(
      form({ object: 'Contact', property: ' ', participant: '0', dataField: '' }),
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'property', message: 'Choose the SuperOffice property to write.' },
        { field: 'dataField', message: 'Give the custom_id of the Oneflow data field, e.g. po_number.' },
        { field: 'participant', message: 'Give the participant number: 1, 2, … (a whole number from 1).' },
      ],
    });
    expect(mappingFromForm(form({ object: 'Person', property: 'Title', dataField: 'x' }))).toMatchObject({
      ok: false,
      errors: [{ field: 'object' }],
    });
    expect(
      mappingFromForm(form({ object: 'Contact', property: 'Title', participant: '1.5', dataField: 'x' })),
    ).toMatchObject({
      ok: false,
      errors: [{ field: 'participant' }],
    });
  });

  it("sorts the server's messages into the ones about the edited mapping and the rest", () => {
    const errors = [
      'mappings[2].dataField: has spaces at the start or end',
      'mappings[2]: maps "Number" of the Sale again (already in mappings[0])',
      'mappings[12].property: nope',
      'links.sale: is empty',
    ];
    expect(splitServerErrors(errors, 2)).toEqual({
      mapping: [
        'dataField: has spaces at the start or end',
        'maps "Number" of the Sale again (already in mappings[0])',
      ],
      other: ['mappings[12].property: nope', 'links.sale: is empty'],
    });
  });

  it('describes where a value comes from', () => {
    expect(describeSource({ object: 'Sale', property: 'Number', dataField: 'po_number' })).toBe(
      'Data field: po_number',
    );
    expect(
      describeSource({
        object: 'Contact',
        property: 'Phone',
        participant: 1,
        participantField: 'phone_number',
      }),
    ).toBe('Participant attribute: Phone number');
  });
});

describe('runs', () => {
  it('labels each outcome, in words and not by colour alone', () => {
    expect(outcomeOf({ status: 'RUNNING', outcome: 'running' })).toEqual({
      label: 'Running',
      tone: 'running',
    });
    expect(outcomeOf({ status: 'COMPLETED', outcome: 'succeeded' })).toEqual({
      label: 'Succeeded',
      tone: 'success',
    });
    expect(outcomeOf({ status: 'COMPLETED', outcome: 'partially_failed' })).toEqual({
      label: 'Partially failed',
      tone: 'warning',
    });
    expect(outcomeOf({ status: 'COMPLETED', outcome: 'partially-failed' })).toEqual({
      label: 'Partially failed',
      tone: 'warning',
    });
    expect(outcomeOf({ status: 'COMPLETED', outcome: 'unchanged' })).toEqual({
      label: 'Nothing changed',
      tone: 'neutral',
    });
    expect(outcomeOf({ status: 'COMPLETED', outcome: 'not_signed' })).toEqual({
      label: 'Not signed',
      tone: 'neutral',
    });
    expect(outcomeOf({ status: 'TERMINATED', outcome: 'running' })).toEqual({
      label: 'Terminated',
      tone: 'danger',
    });
    expect(outcomeOf({ status: 'COMPLETED', outcome: 'brand_new' })).toEqual({
      label: 'brand new',
      tone: 'neutral',
    });
  });

  it('shows durations a person reads at a glance', () => {
    const at = (ms: number) => new Date(Date.parse('2026-11-25T10:00:00Z') + ms).toISOString();
    expect(formatDuration(at(0))).toBe('');
    expect(formatDuration(at(0), at(840))).toBe('0.8 s');
    expect(formatDuration(at(0), at(12_400))).toBe('12 s');
    expect(formatDuration(at(0), at(185_000))).toBe('3 min 5 s');
    expect(formatDuration(at(0), at(7_440_000))).toBe('2 h 4 min');
  });

  it('names each resource of a result', () => {
    const r = (over: Partial<ResourceResult>): ResourceResult => ({
      type: 'Sale',
      id: 2001,
      status: 'updated',
      properties: [],
      ...over,
    });
    expect(resourceTitle(r({}))).toBe('Sale 2001');
    expect(resourceTitle(r({ type: 'Company', id: 101, name: 'Nordlys Interiør AS' }))).toBe(
      'Company 101 · Nordlys Interiør AS',
    );
    expect(resourceTitle(r({ type: 'Contact', id: 301, name: 'Anna Berg', participant: 1 }))).toBe(
      'Contact 301 · Anna Berg (participant 1)',
    );
    expect(resourceTitle(r({ type: 'Contact', id: null, participant: 2 }))).toBe(
      'Contact (not found) (participant 2)',
    );
    expect(resourceTitle(r({ type: 'Products' }))).toBe('Products of Sale 2001');
  });
});
