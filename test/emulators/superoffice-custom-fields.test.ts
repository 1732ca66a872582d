type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
import { useDemoSuperOffice } from './superoffice-harness';

const ctx = useDemoSuperOffice();

const patch = (path: string, body: unknown) => ctx.so.api<Json>('PATCH', path, { body });
const get = async (path: string) => (await ctx.so.api<Json>('GET', path)).body;
const setCustom = (path: string, field: string, value: unknown) =>
  patch(path, [{ op: 'replace', path: `CustomFields/${field}`, value }]);

describe('values: plain or encoded in, encoded out (docs/decisions.md wire format)', () => {
  it.each([
    ['Sale', 'SuperOffice:1', 'Nordlys ref 17', 'Nordlys ref 17'],
    ['Sale', 'SuperOffice:2', '2026-12-15', '[D:2026.12.15]'],
    ['Sale', 'SuperOffice:2', '[D:2026.12.15]', '[D:2026.12.15]'],
    ['Sale', 'SuperOffice:2', '2026-12-15T00:00:00', '[D:2026.12.15]'],
    ['Sale', 'SuperOffice:3', '3', '[I:3]'],
    ['Sale', 'SuperOffice:3', '[I:2]', '[I:2]'],
    ['Sale', 'SuperOffice:5', '12.5', '[F:12.5]'],
    ['Sale', 'SuperOffice:5', '[F:12.5]', '[F:12.5]'],
    ['Person', 'SuperOffice:4', '43', '[I:43]'],
    ['Person', 'SuperOffice:4', '[I:43]', '[I:43]'],
    ['Person', 'SuperOffice:4', 43, '[I:43]'],
    ['Contact', 'SuperOffice:1', '1', '[I:1]'],
    ['Contact', 'SuperOffice:1', '[I:1]', '[I:1]'],
    ['Contact', 'SuperOffice:1', 'true', '[I:1]'],
    ['Contact', 'x_invoice_email', 'invoice@nordlys.example', 'invoice@nordlys.example'],
  ])('%s %s: %j is stored as %j', async (entity, field, written, read) => {
    const id = { Sale: 2001, Person: 301, Contact: 101 }[entity];
    const res = await setCustom(`/v1/${entity}/${id}`, field, written);
    expect(res.status).toBe(200);
    expect(res.body.CustomFields[field]).toBe(read);
    expect((await get(`/v1/${entity}/${id}`)).CustomFields[field]).toBe(read);
  });

  it('fills the list DisplayText sibling with the item name', async () => {
    const res = await setCustom('/v1/Sale/2001', 'SuperOffice:3', '3');
    expect(res.body.CustomFields['SuperOffice:3:DisplayText']).toBe('Freight');
    expect(res.body.UserDefinedFields['SuperOffice:3:DisplayText']).toBe('Freight');
    const cleared = await setCustom('/v1/Sale/2001', 'SuperOffice:3', '');
    expect(cleared.body.CustomFields['SuperOffice:3']).toBe('[I:0]');
    expect(cleared.body.CustomFields['SuperOffice:3:DisplayText']).toBe('');
  });

  it('shows an extra field in ExtraFields and CustomFields, not in UserDefinedFields', async () => {
    const res = await patch('/v1/Contact/101', [
      { op: 'replace', path: 'ExtraFields/x_invoice_email', value: 'a@b.example' },
    ]);
    expect(res.body.ExtraFields).toEqual({ x_invoice_email: 'a@b.example' });
    expect(res.body.CustomFields.x_invoice_email).toBe('a@b.example');
    expect(res.body.UserDefinedFields).not.toHaveProperty('x_invoice_email');
  });

  it('writes udefs through UserDefinedFields too', async () => {
    const res = await patch('/v1/Person/301', [
      { op: 'replace', path: 'UserDefinedFields/SuperOffice:5', value: 'Norwegian' },
    ]);
    expect(res.body.CustomFields['SuperOffice:5']).toBe('Norwegian');
  });

  it('matches field names case-insensitively', async () => {
    const res = await patch('/v1/Sale/2001', [
      { op: 'replace', path: 'customfields/superoffice:1', value: 'ref' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.CustomFields['SuperOffice:1']).toBe('ref');
  });
});

describe('whole-dictionary writes merge by key', () => {
  it('keeps the fields a replaced CustomFields dictionary does not name', async () => {
    await setCustom('/v1/Sale/2001', 'SuperOffice:1', 'kept');
    const res = await patch('/v1/Sale/2001', [
      { op: 'replace', path: 'CustomFields', value: { 'SuperOffice:2': '2026-12-15', 'SuperOffice:3': '1' } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.CustomFields).toMatchObject({
      'SuperOffice:1': 'kept',
      'SuperOffice:2': '[D:2026.12.15]',
      'SuperOffice:3': '[I:1]',
      'SuperOffice:3:DisplayText': 'Courier',
    });
  });

  it('takes the official sample form: udef and extra keys mixed in one dictionary', async () => {
    const res = await patch('/v1/Contact/101', [
      {
        op: 'replace',
        path: 'CustomFields',
        value: { x_invoice_email: 'inv@x.example', 'SuperOffice:2': 'Retail' },
      },
    ]);
    expect(res.body.CustomFields).toMatchObject({
      x_invoice_email: 'inv@x.example',
      'SuperOffice:2': 'Retail',
    });
  });

  it('accepts a PUT of the GET body with one field changed, although the old value is still in the other dictionaries', async () => {
    const sale = await get('/v1/Sale/2001');
    sale.CustomFields['SuperOffice:1'] = 'via PUT';
    const res = await ctx.so.api<Json>('PUT', '/v1/Sale/2001', { body: sale });
    expect(res.status).toBe(200);
    expect(res.body.CustomFields['SuperOffice:1']).toBe('via PUT');
    expect(res.body.UserDefinedFields['SuperOffice:1']).toBe('via PUT');
  });

  it('clears a field a remove operation names', async () => {
    await setCustom('/v1/Person/301', 'SuperOffice:5', 'Norwegian');
    const res = await patch('/v1/Person/301', [{ op: 'remove', path: 'CustomFields/SuperOffice:5' }]);
    expect(res.body.CustomFields['SuperOffice:5']).toBe('');
  });
});

describe('read-only custom fields', () => {
  it('does not change a field marked IsReadOnly, through any dictionary or PUT', async () => {
    const before = await get('/v1/Sale/2001');
    const viaPatch = await patch('/v1/Sale/2001', [
      { op: 'replace', path: 'CustomFields/SuperOffice:6', value: '99' },
      { op: 'replace', path: 'UserDefinedFields/SuperOffice:6', value: '98' },
    ]);
    expect(viaPatch.status).toBe(200);
    expect(viaPatch.body.CustomFields['SuperOffice:6']).toBe('[I:7]');
    expect(viaPatch.body.UpdatedDate).toBe(before.UpdatedDate);
    const viaPut = await ctx.so.api<Json>('PUT', '/v1/Sale/2001', {
      body: { ...before, CustomFields: { 'SuperOffice:6': '[I:5]' } },
    });
    expect(viaPut.body.CustomFields['SuperOffice:6']).toBe('[I:7]');
  });
});

describe('values that do not fit: 400 ValidationException, nothing applied', () => {
  it.each([
    ['Person', 301, 'SuperOffice:4', 'forty-three', 'whole number'],
    ['Person', 301, 'SuperOffice:4', '43.5', 'whole number'],
    ['Sale', 2001, 'SuperOffice:3', '7', 'is not an item of list udlist41'],
    ['Sale', 2001, 'SuperOffice:3', 'Freight', 'list item id'],
    ['Sale', 2001, 'SuperOffice:2', '2026-02-30', 'date'],
    ['Sale', 2001, 'SuperOffice:2', '15.12.2026', 'date'],
    ['Sale', 2001, 'SuperOffice:5', '12,5', 'decimal'],
    ['Sale', 2001, 'SuperOffice:1', 'x'.repeat(41), "longer than the field's 40"],
    ['Contact', 101, 'SuperOffice:1', 'yes', '"1" or "0"'],
  ])('%s %s %s = %j', async (entity, id, field, value, why) => {
    const before = await get(`/v1/${entity}/${id}`);
    const textProperty = entity === 'Sale' ? 'SaleText' : 'Description';
    const res = await patch(`/v1/${entity}/${id}`, [
      { op: 'replace', path: textProperty, value: 'would change' },
      { op: 'replace', path: `CustomFields/${field}`, value },
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ Error: true, ErrorType: 'ValidationException' });
    expect(res.body.ErrorMessage).toContain(field);
    expect(res.body.ErrorMessage).toContain(why);
    expect(await get(`/v1/${entity}/${id}`)).toEqual(before);
  });

  it('rejects a field the entity does not have, and an extra field written through UserDefinedFields', async () => {
    const unknown = await setCustom('/v1/Sale/2001', 'SuperOffice:99', '1');
    expect(unknown.status).toBe(400);
    const wrongDictionary = await patch('/v1/Contact/101', [
      { op: 'add', path: 'UserDefinedFields/x_invoice_email', value: 'a@b.example' },
    ]);
    expect(wrongDictionary.status).toBe(400);
    expect(wrongDictionary.body.ErrorMessage).toContain("no custom field 'x_invoice_email'");
  });

  it('rejects on POST too, and creates nothing', async () => {
    const res = await ctx.so.api<Json>('POST', '/v1/Person', {
      body: { Firstname: 'Eva', CustomFields: { 'SuperOffice:4': 'big' } },
    });
    expect(res.status).toBe(400);
    expect((await ctx.so.state<Json>()).persons).toHaveLength(3);
  });

  it('reports every problem of the request in one answer', async () => {
    const res = await patch('/v1/Sale/2001', {
      CustomFields: { 'SuperOffice:2': 'soon', 'SuperOffice:5': 'much' },
    });
    expect(res.status).toBe(400);
    expect(res.body.ErrorMessage).toContain('SuperOffice:2');
    expect(res.body.ErrorMessage).toContain('SuperOffice:5');
  });
});
