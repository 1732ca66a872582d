import {
  buildPropertyCatalog,
  fieldInfoBaseSchema,
  findCatalogProperty,
  mdoListItemSchema,
  NOT_READY,
  objectFieldMetadataSchema,
  SUPEROFFICE_ENTITY,
  userDefinedFieldInfoSchema,
  type CatalogProperty,
  type PropertyCatalogInput,
} from '../../src/superoffice/field-catalog';
import { STANDARD_FIELDS } from '../../src/superoffice/standard-fields';
import { demoCatalogInput } from '../mapping/demo-fixtures';

const empty = () => ({ customFields: [], udefs: [], lists: {} });
const onlySale = (sale: PropertyCatalogInput['Sale']): PropertyCatalogInput => ({
  Sale: sale,
  Company: empty(),
  Contact: empty(),
});

function prop(list: CatalogProperty[], property: string): CatalogProperty {
  const found = list.find((p) => p.property === property);
  if (!found) throw new Error(`no ${property} in ${list.map((p) => p.property).join(', ')}`);
  return found;
}

describe('buildPropertyCatalog with the demo set-up', () => {
  const catalog = buildPropertyCatalog(demoCatalogInput());

  it('maps our objects to the SuperOffice entities they come from', () => {
    expect(SUPEROFFICE_ENTITY).toEqual({ Sale: 'Sale', Company: 'Contact', Contact: 'Person' });
  });

  it('describes the Sale custom fields with type, length, list items and readiness', () => {
    const custom = catalog.Sale.filter((p) => p.kind !== 'standard');
    expect(custom).toEqual([
      {
        object: 'Sale',
        property: 'SuperOffice:1',
        label: 'Customer reference',
        kind: 'udef',
        type: 'text',
        maxLength: 40,
        ready: true,
        patchPath: 'CustomFields/SuperOffice:1',
      },
      {
        object: 'Sale',
        property: 'SuperOffice:2',
        label: 'Delivery date',
        kind: 'udef',
        type: 'date',
        ready: true,
        patchPath: 'CustomFields/SuperOffice:2',
      },
      {
        object: 'Sale',
        property: 'SuperOffice:3',
        label: 'Delivery method',
        kind: 'udef',
        type: 'list',
        listItems: [
          { id: 1, name: 'Courier' },
          { id: 2, name: 'Pick-up' },
          { id: 3, name: 'Freight' },
        ],
        ready: true,
        patchPath: 'CustomFields/SuperOffice:3',
      },
      {
        object: 'Sale',
        property: 'SuperOffice:5',
        label: 'Negotiated margin',
        kind: 'udef',
        type: 'decimal',
        ready: true,
        patchPath: 'CustomFields/SuperOffice:5',
      },
      {
        object: 'Sale',
        property: 'SuperOffice:6',
        label: 'Legacy score',
        kind: 'udef',
        type: 'integer',
        ready: false,
        notReadyReason: 'read-only custom field',
        patchPath: 'CustomFields/SuperOffice:6',
      },
    ]);
  });

  it('lists Company udefs and the extra field, and Contact udefs', () => {
    expect(
      catalog.Company.filter((p) => p.kind !== 'standard').map((p) => [p.property, p.kind, p.type, p.ready]),
    ).toEqual([
      ['SuperOffice:1', 'udef', 'checkbox', true],
      ['SuperOffice:2', 'udef', 'text', true],
      ['x_invoice_email', 'extra', 'text', true],
    ]);
    expect(prop(catalog.Company, 'x_invoice_email')).toMatchObject({
      label: 'Invoice email',
      patchPath: 'CustomFields/x_invoice_email',
    });
    expect(
      catalog.Contact.filter((p) => p.kind !== 'standard').map((p) => [p.property, p.label, p.type]),
    ).toEqual([
      ['SuperOffice:4', 'Shoe size', 'integer'],
      ['SuperOffice:5', 'Preferred language', 'text'],
    ]);
  });

  it('has the standard fields the example document maps, ready, with their JSON Patch paths', () => {
    expect(prop(catalog.Sale, 'Number')).toEqual({
      object: 'Sale',
      property: 'Number',
      label: 'Number',
      kind: 'standard',
      type: 'text',
      ready: true,
      patchPath: 'Number',
    });
    expect(prop(catalog.Sale, 'Saledate')).toMatchObject({
      type: 'datetime',
      ready: true,
      patchPath: 'Saledate',
    });
    expect(prop(catalog.Sale, 'Amount')).toMatchObject({ type: 'decimal', ready: true });
    expect(prop(catalog.Sale, 'Probability')).toMatchObject({ type: 'integer', range: { min: 0, max: 100 } });
    expect(prop(catalog.Sale, 'Postit')).toMatchObject({ type: 'text', maxLength: 2047 });
    expect(prop(catalog.Company, 'OrgNr')).toMatchObject({ type: 'text', ready: true, patchPath: 'OrgNr' });
    expect(prop(catalog.Company, 'NoMailing')).toMatchObject({ type: 'checkbox', ready: true });
    expect(prop(catalog.Contact, 'Title')).toMatchObject({ type: 'text', ready: true, patchPath: 'Title' });
    expect(prop(catalog.Contact, 'BirthDate')).toMatchObject({ type: 'datetime', ready: true });
  });

  it.each([
    ['Sale', 'SaleId', NOT_READY.savedBySystem],
    ['Sale', 'CreatedDate', NOT_READY.savedBySystem],
    ['Sale', 'UpdatedBy', NOT_READY.savedBySystem],
    ['Sale', 'NextDueDate', NOT_READY.maintainedBySystem],
    ['Sale', 'ActiveLinks', NOT_READY.maintainedBySystem],
    ['Sale', 'ActiveErpLinks', NOT_READY.maintainedBySystem],
    ['Sale', 'Appointment', NOT_READY.readOnly],
    ['Sale', 'Status', NOT_READY.workflowState],
    ['Sale', 'Currency', 'list reference not supported yet'],
    ['Sale', 'SaleType', 'list reference not supported yet'],
    ['Sale', 'Contact', 'unsupported type: a reference to another record'],
    ['Company', 'ContactId', NOT_READY.savedBySystem],
    ['Company', 'UtmParameters', NOT_READY.readOnly],
    ['Company', 'Category', 'list reference not supported yet'],
    ['Company', 'Business', 'list reference not supported yet'],
    ['Company', 'Address', 'unsupported type: a structured address'],
    ['Company', 'Phones', 'unsupported type: a collection of entries'],
    ['Contact', 'PersonId', NOT_READY.savedBySystem],
    ['Contact', 'FullName', 'computed: SuperOffice derives it from other fields'],
    ['Contact', 'IsAssociate', NOT_READY.readOnly],
    ['Contact', 'UtmParameters', NOT_READY.readOnly],
    ['Contact', 'Position', 'list reference not supported yet'],
    ['Contact', 'Emails', 'unsupported type: a collection of entries'],
  ] as const)('%s %s is not ready: %s', (object, property, reason) => {
    expect(prop(catalog[object], property)).toMatchObject({ ready: false, notReadyReason: reason });
  });

  it('gives every not-ready property a reason and no ready property one', () => {
    for (const list of Object.values(catalog)) {
      for (const p of list) {
        expect(p.ready ? p.notReadyReason : typeof p.notReadyReason).toBe(p.ready ? undefined : 'string');
        if (p.type === 'unsupported') expect(p.ready).toBe(false);
      }
    }
  });

  it('lists every property once per object', () => {
    for (const list of Object.values(catalog)) {
      const names = list.map((p) => p.property.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('keeps standard field names that exist in the swagger entity definitions', () => {
    // Spot checks against SuperOffice's Swagger entity definitions: spelling matters for PATCH paths.
    const names = (o: 'Sale' | 'Company' | 'Contact') => STANDARD_FIELDS[o].map((f) => f.property);
    expect(names('Sale')).toEqual(expect.arrayContaining(['Saledate', 'Postit', 'SaleText', 'ReopenDate']));
    expect(names('Company')).toEqual(expect.arrayContaining(['OrgNr', 'Number1', 'Number2', 'Xstop']));
    expect(names('Contact')).toEqual(
      expect.arrayContaining(['Firstname', 'MiddleName', 'Lastname', 'PersonNumber', 'Mrmrs']),
    );
  });
});

describe('buildPropertyCatalog edge cases', () => {
  it('leaves deleted list items out', () => {
    const catalog = buildPropertyCatalog(
      onlySale({
        customFields: [],
        udefs: [
          {
            ProgId: 'SuperOffice:3',
            FieldType: 'List',
            FieldLabel: 'Delivery method',
            MdoListName: 'udlist12',
          },
        ],
        lists: {
          udlist12: [
            { Id: 1, Name: 'Courier', Deleted: true },
            { Id: 2, Name: 'Pick-up', Deleted: false },
          ],
        },
      }),
    );
    expect(prop(catalog.Sale, 'SuperOffice:3').listItems).toEqual([{ id: 2, name: 'Pick-up' }]);
  });

  it('marks a list field whose items were not fetched as not ready, naming the list', () => {
    const catalog = buildPropertyCatalog(
      onlySale({
        customFields: [],
        udefs: [
          {
            ProgId: 'SuperOffice:3',
            FieldType: 'List',
            FieldLabel: 'Delivery method',
            MdoListName: 'udlist99',
          },
        ],
        lists: {},
      }),
    );
    expect(prop(catalog.Sale, 'SuperOffice:3')).toMatchObject({
      ready: false,
      notReadyReason: 'the items of its list (udlist99) could not be read',
    });
    expect(prop(catalog.Sale, 'SuperOffice:3').listItems).toBeUndefined();
  });

  it('keys a udef without ProgId as SuperOffice:{UdefIdentity}, as the CustomFields dictionary does', () => {
    const catalog = buildPropertyCatalog(
      onlySale({
        customFields: [],
        udefs: [{ ProgId: '', UdefIdentity: 1234, FieldType: 'Number', FieldLabel: 'Score' }],
        lists: {},
      }),
    );
    expect(prop(catalog.Sale, 'SuperOffice:1234')).toMatchObject({
      patchPath: 'CustomFields/SuperOffice:1234',
      type: 'integer',
    });
  });

  it('treats a field read-only in either source as read-only', () => {
    const catalog = buildPropertyCatalog(
      onlySale({
        customFields: [{ FieldName: 'SuperOffice:1', FieldType: 'ShortText', IsReadOnly: true }],
        udefs: [{ ProgId: 'SuperOffice:1', FieldType: 'ShortText', FieldLabel: 'Ref', IsReadOnly: false }],
        lists: {},
      }),
    );
    expect(prop(catalog.Sale, 'SuperOffice:1')).toMatchObject({
      ready: false,
      notReadyReason: 'read-only custom field',
    });
  });

  it('types udefs: UnlimitedDate as date, LongText with its length, zero length as unlimited, unknown as unsupported', () => {
    const catalog = buildPropertyCatalog(
      onlySale({
        customFields: [],
        udefs: [
          { ProgId: 'SuperOffice:7', FieldType: 'UnlimitedDate', FieldLabel: 'Since' },
          { ProgId: 'SuperOffice:8', FieldType: 'LongText', FieldLabel: 'Notes', TextLength: 200 },
          { ProgId: 'SuperOffice:9', FieldType: 'ShortText', FieldLabel: 'Free', TextLength: 0 },
          { ProgId: 'SuperOffice:10', FieldType: 'Hologram', FieldLabel: 'Future' },
        ],
        lists: {},
      }),
    );
    expect(prop(catalog.Sale, 'SuperOffice:7').type).toBe('date');
    expect(prop(catalog.Sale, 'SuperOffice:8')).toMatchObject({ type: 'text', maxLength: 200 });
    expect(prop(catalog.Sale, 'SuperOffice:9').maxLength).toBeUndefined();
    expect(prop(catalog.Sale, 'SuperOffice:10')).toMatchObject({
      type: 'unsupported',
      ready: false,
      notReadyReason: 'unsupported type: Hologram',
    });
  });

  it.each([
    ['Integer', 'integer', true, undefined],
    ['Decimal', 'decimal', true, undefined],
    ['ShortText', 'text', true, undefined],
    ['Date', 'date', true, undefined],
    ['DateTime', 'datetime', true, undefined],
    ['Checkbox', 'checkbox', true, undefined],
    ['MdoList', 'unsupported', false, 'list reference not supported yet'],
    ['RelationTo', 'unsupported', false, 'unsupported type: a reference to another record'],
    ['DynamicLink', 'unsupported', false, 'unsupported type: a reference to another record'],
    ['Attachment', 'unsupported', false, 'unsupported type: a file'],
    ['TimeSpan', 'unsupported', false, 'unsupported type: a time of day or duration'],
    ['Unknown', 'unsupported', false, 'unsupported type: Unknown'],
  ])('types an extra field of FieldType %s as %s', (fieldType, type, ready, reason) => {
    const catalog = buildPropertyCatalog(
      onlySale({
        customFields: [{ FieldName: 'x_field', FieldType: fieldType, DisplayName: 'Field' }],
        udefs: [],
        lists: {},
      }),
    );
    const p = prop(catalog.Sale, 'x_field');
    expect([p.kind, p.type, p.ready, p.notReadyReason]).toEqual(['extra', type, ready, reason]);
  });

  it('uses MaxLength on a text extra field when SuperOffice sends one', () => {
    const catalog = buildPropertyCatalog(
      onlySale({
        customFields: [{ FieldName: 'x_code', FieldType: 'ShortText', MaxLength: 10 }],
        udefs: [],
        lists: {},
      }),
    );
    expect(prop(catalog.Sale, 'x_code')).toMatchObject({ maxLength: 10, label: 'x_code' });
  });

  it('lists a udef known only from the CustomField list, typed from FieldInfoBase', () => {
    const catalog = buildPropertyCatalog(
      onlySale({
        customFields: [{ FieldName: 'SuperOffice:11', FieldType: 'Integer', DisplayName: 'Seats' }],
        udefs: [],
        lists: {},
      }),
    );
    expect(prop(catalog.Sale, 'SuperOffice:11')).toMatchObject({
      kind: 'udef',
      type: 'integer',
      label: 'Seats',
      ready: true,
    });
  });
});

describe('findCatalogProperty', () => {
  const catalog = buildPropertyCatalog(demoCatalogInput());
  it('finds exactly, then case-insensitively, else nothing', () => {
    expect(findCatalogProperty(catalog, 'Sale', 'Number')?.property).toBe('Number');
    expect(findCatalogProperty(catalog, 'Sale', 'superoffice:2')?.property).toBe('SuperOffice:2');
    expect(findCatalogProperty(catalog, 'Company', 'X_INVOICE_EMAIL')?.property).toBe('x_invoice_email');
    expect(findCatalogProperty(catalog, 'Sale', 'OrgNr')).toBeUndefined();
  });
});

describe('metadata schemas', () => {
  it('parse SuperOffice answers, keeping unknown attributes', () => {
    const info = fieldInfoBaseSchema.parse({
      FieldType: 'ShortText',
      FieldName: 'x_invoice_email',
      DisplayName: 'Invoice email',
      IsReadOnly: false,
      Rank: 3,
    });
    expect(info).toMatchObject({ FieldName: 'x_invoice_email', Rank: 3 });
    const udef = userDefinedFieldInfoSchema.parse({
      UDefFieldId: 12,
      FieldType: 'List',
      FieldLabel: 'Delivery method',
      ProgId: 'SuperOffice:3',
      MdoListName: 'udlist12',
      TextLength: 0,
      IsReadOnly: false,
    });
    expect(udef.MdoListName).toBe('udlist12');
    expect(mdoListItemSchema.parse({ Id: 3, Name: 'Freight', Deleted: false, Rank: 3 })).toMatchObject({
      Id: 3,
    });
    expect(objectFieldMetadataSchema.parse(demoCatalogInput().Sale).udefs).toHaveLength(5);
  });

  it('reject the fields they rely on when malformed', () => {
    expect(fieldInfoBaseSchema.safeParse({ FieldType: 'ShortText' }).success).toBe(false);
    expect(userDefinedFieldInfoSchema.safeParse({ FieldType: 'List', TextLength: 'long' }).success).toBe(
      false,
    );
    expect(mdoListItemSchema.safeParse({ Id: '3', Name: 'Freight' }).success).toBe(false);
  });
});
