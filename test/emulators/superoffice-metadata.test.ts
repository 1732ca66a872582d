import { DEMO_DELIVERY_METHOD_LIST_ID, superofficeDemoSeed } from '../../src/emulators/superoffice';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
import { useDemoSuperOffice } from './superoffice-harness';

const ctx = useDemoSuperOffice();

const get = (path: string, query?: Record<string, string>) =>
  ctx.so.api<any>('GET', path, query ? { query } : {}); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('GET /v1/{Entity}/CustomField', () => {
  it('lists udefs and extra fields as FieldInfoBase', async () => {
    const res = await get('/v1/Contact/CustomField');
    expect(res.status).toBe(200);
    expect(res.body.map((f: Json) => [f.FieldName, f.FieldType, f.DisplayName])).toEqual([
      ['SuperOffice:1', 'Checkbox', 'Framework agreement'],
      ['SuperOffice:2', 'ShortText', 'Customer segment'],
      ['x_invoice_email', 'ShortText', 'Invoice email'],
    ]);
    expect(res.body[0]).toEqual({
      FieldType: 'Checkbox',
      FieldName: 'SuperOffice:1',
      DisplayName: 'Framework agreement',
      Description: '',
      ShortLabel: '',
      HideLabel: false,
      HideField: false,
      IsIndexed: false,
      IsMandatory: false,
      IsReadOnly: false,
      IsExternal: false,
      IsDisplayField: false,
      Rank: 1,
      TemplateVariableName: 'cb01',
    });
    expect(res.body[2].TemplateVariableName).toBeNull();
  });

  it('maps udef types to FieldInfoBase types and shows read-only fields', async () => {
    const res = await get('/v1/Sale/CustomField');
    expect(res.body.map((f: Json) => [f.FieldName, f.FieldType, f.IsReadOnly])).toEqual([
      ['SuperOffice:1', 'ShortText', false],
      ['SuperOffice:2', 'Date', false],
      ['SuperOffice:3', 'MdoList', false],
      ['SuperOffice:5', 'Decimal', false],
      ['SuperOffice:6', 'Integer', true],
    ]);
  });

  it('answers one field by name, and null for an unknown one', async () => {
    const one = await get('/v1/Person/CustomField/superoffice:4');
    expect(one.body).toMatchObject({
      FieldName: 'SuperOffice:4',
      FieldType: 'Integer',
      DisplayName: 'Shoe size',
    });
    const none = await get('/v1/Person/CustomField/SuperOffice:77');
    expect(none.status).toBe(200);
    expect(none.body).toBeNull();
  });
});

describe('GET /v1/{Entity}/UdefLayout/Published', () => {
  it('lists the udefs (not extra fields) as UserDefinedFieldInfo', async () => {
    const res = await get('/v1/Sale/UdefLayout/Published');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(5);
    const list = res.body.find((f: Json) => f.ProgId === 'SuperOffice:3');
    expect(list).toMatchObject({
      FieldLabel: 'Delivery method',
      FieldType: 'List',
      Type: 'Sale',
      IsReadOnly: false,
      UDListDefinitionId: DEMO_DELIVERY_METHOD_LIST_ID,
      MdoListName: `udlist${DEMO_DELIVERY_METHOD_LIST_ID}`,
      UdefIdentity: 3,
      HasBeenPublished: true,
    });
    const text = res.body.find((f: Json) => f.ProgId === 'SuperOffice:1');
    expect(text).toMatchObject({ FieldType: 'ShortText', TextLength: 40, MdoListName: '' });
    const contact = await get('/v1/Contact/UdefLayout/Published');
    expect(contact.body.map((f: Json) => f.ProgId)).toEqual(['SuperOffice:1', 'SuperOffice:2']);
  });

  it('answers one field by ProgId or by label, and 404 for neither', async () => {
    expect((await get('/v1/Sale/UdefLayout/Published/SuperOffice:6')).body).toMatchObject({
      FieldLabel: 'Legacy score',
      IsReadOnly: true,
      FieldType: 'Number',
    });
    expect((await get('/v1/Sale/UdefLayout/Published/delivery date')).body).toMatchObject({
      ProgId: 'SuperOffice:2',
      FieldType: 'Date',
    });
    const missing = await get('/v1/Sale/UdefLayout/Published/SuperOffice:9');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ Error: true, ErrorType: 'SoNotFoundException' });
  });
});

describe('lists', () => {
  it('answers GET /v1/MDOList/udlist{id} with MDOListItem[]', async () => {
    const res = await get(`/v1/MDOList/udlist${DEMO_DELIVERY_METHOD_LIST_ID}`);
    expect(res.status).toBe(200);
    expect(res.body.map((i: Json) => [i.Id, i.Name])).toEqual([
      [1, 'Courier'],
      [2, 'Pick-up'],
      [3, 'Freight'],
    ]);
    expect(res.body[0]).toMatchObject({ ToolTip: '', Deleted: false, Rank: 1, ChildItems: [] });
    const searched = await get(`/v1/MDOList/udlist${DEMO_DELIVERY_METHOD_LIST_ID}`, { query: 'pick' });
    expect(searched.body.map((i: Json) => i.Name)).toEqual(['Pick-up']);
  });

  it('answers 404 for a list it does not know', async () => {
    expect((await get('/v1/MDOList/udlist999')).status).toBe(404);
    expect((await get('/v1/MDOList/category')).status).toBe(404);
  });

  it('answers GET /v1/List/{id}/Items and /v1/List/{id}', async () => {
    const items = await get(`/v1/List/${DEMO_DELIVERY_METHOD_LIST_ID}/Items`);
    expect(items.body[2]).toMatchObject({
      Id: 3,
      Name: 'Freight',
      Deleted: false,
      UdListDefinitionId: DEMO_DELIVERY_METHOD_LIST_ID,
    });
    const list = await get(`/v1/List/${DEMO_DELIVERY_METHOD_LIST_ID}`);
    expect(list.body).toMatchObject({
      Id: DEMO_DELIVERY_METHOD_LIST_ID,
      Name: 'Delivery method',
      InUseByUserDefinedFields: true,
    });
    expect((await get('/v1/List/Delivery method/Items')).body).toHaveLength(3);
    expect((await get('/v1/List/12345/Items')).status).toBe(404);
  });

  it('leaves deleted items out unless asked, and refuses them as values', async () => {
    const seed = structuredClone(superofficeDemoSeed);
    seed.lists![0]!.items!.push({ id: 4, name: 'Horse and cart', deleted: true });
    await ctx.so.seed(seed);
    expect((await get(`/v1/List/${DEMO_DELIVERY_METHOD_LIST_ID}/Items`)).body).toHaveLength(3);
    expect(
      (await get(`/v1/List/${DEMO_DELIVERY_METHOD_LIST_ID}/Items`, { includeDeleted: 'true' })).body,
    ).toHaveLength(4);
    const res = await ctx.so.api('PATCH', '/v1/Sale/2001', {
      body: { CustomFields: { 'SuperOffice:3': '4' } },
    });
    expect(res.status).toBe(400);
  });
});
