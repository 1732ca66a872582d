type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
import { useDemoSuperOffice } from './superoffice-harness';

const ctx = useDemoSuperOffice();

const patch = (path: string, body: unknown, headers?: Record<string, string>) =>
  ctx.so.api<Json>('PATCH', path, { body, ...(headers ? { headers } : {}) });
const get = async (path: string) => (await ctx.so.api<Json>('GET', path)).body;

describe('JSON Patch operations', () => {
  it('replace sets a property and answers the updated entity', async () => {
    const res = await patch('/v1/Sale/2001', [{ op: 'replace', path: '/Number', value: 'PO-2026-0042' }]);
    expect(res.status).toBe(200);
    expect(res.body.Number).toBe('PO-2026-0042');
    expect((await get('/v1/Sale/2001')).Number).toBe('PO-2026-0042');
  });

  it('add on an existing property sets it', async () => {
    const res = await patch('/v1/Contact/101', [{ op: 'add', path: '/OrgNr', value: '987654321' }]);
    expect(res.body.OrgNr).toBe('987654321');
  });

  it('remove sets a property back to its default', async () => {
    await patch('/v1/Person/301', [{ op: 'replace', path: 'Description', value: 'VIP' }]);
    const res = await patch('/v1/Person/301', [{ op: 'remove', path: '/Description' }]);
    expect(res.status).toBe(200);
    expect(res.body.Description).toBe('');
  });

  it('test that holds lets the other operations apply', async () => {
    const res = await patch('/v1/Person/301', [
      { op: 'test', path: '/Title', value: 'Purchasing manager' },
      { op: 'replace', path: '/Title', value: 'Head of Purchasing' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.Title).toBe('Head of Purchasing');
  });

  it('a failed test answers 409 and applies nothing of the request', async () => {
    const before = await get('/v1/Person/301');
    const res = await patch('/v1/Person/301', [
      { op: 'replace', path: '/Firstname', value: 'Annie' },
      { op: 'test', path: '/Title', value: 'Somebody else' },
      { op: 'replace', path: '/Title', value: 'Head of Purchasing' },
    ]);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ Error: true, ErrorType: 'JsonPatchException' });
    expect(res.body.ErrorMessage).toContain('/Title');
    expect(await get('/v1/Person/301')).toEqual(before);
  });

  it('a test on a custom field compares meanings, plain or encoded', async () => {
    await patch('/v1/Person/301', [{ op: 'replace', path: 'CustomFields/SuperOffice:4', value: '43' }]);
    const plain = await patch('/v1/Person/301', [
      { op: 'test', path: 'CustomFields/SuperOffice:4', value: '43' },
    ]);
    const encoded = await patch('/v1/Person/301', [
      { op: 'test', path: 'CustomFields/SuperOffice:4', value: '[I:43]' },
    ]);
    const wrong = await patch('/v1/Person/301', [
      { op: 'test', path: 'CustomFields/SuperOffice:4', value: '44' },
    ]);
    expect([plain.status, encoded.status, wrong.status]).toEqual([200, 200, 409]);
  });

  it.each(['move', 'copy'])('%s is not supported: 400, nothing applied', async (op) => {
    const res = await patch('/v1/Sale/2001', [
      { op: 'replace', path: '/Heading', value: 'changed' },
      { op, from: '/Heading', path: '/SaleText' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.ErrorMessage).toContain(`'${op}' is not supported`);
    expect((await get('/v1/Sale/2001')).Heading).toBe('Office furniture for Nordlys');
  });

  it('answers 400 for an unknown op, a missing value and a path to an unknown property', async () => {
    const unknownOp = await patch('/v1/Sale/2001', [{ op: 'merge', path: '/Heading', value: 'x' }]);
    const noValue = await patch('/v1/Sale/2001', [{ op: 'replace', path: '/Heading' }]);
    const unknownPath = await patch('/v1/Sale/2001', [{ op: 'replace', path: '/Headline', value: 'x' }]);
    expect([unknownOp.status, noValue.status, unknownPath.status]).toEqual([400, 400, 400]);
    expect(unknownPath.body.ErrorMessage).toContain("'Headline'");
  });

  it('answers 400 for a body that is neither an array nor an object, and for none', async () => {
    expect((await patch('/v1/Sale/2001', '"Heading"')).status).toBe(400);
    expect((await ctx.so.api('PATCH', '/v1/Sale/2001')).status).toBe(400);
  });

  it.each(['application/json-patch+json', 'application/merge-patch+json', 'text/json'])(
    'reads a %s body',
    async (contentType) => {
      const body = contentType.includes('merge')
        ? { Number: 'typed' }
        : [{ op: 'replace', path: 'Number', value: 'typed' }];
      const res = await ctx.so.api<Json>('PATCH', '/v1/Sale/2001', {
        body,
        headers: { 'Content-Type': contentType },
      });
      expect(res.status).toBe(200);
      expect(res.body.Number).toBe('typed');
    },
  );

  it('answers 404 for an unknown entity', async () => {
    const res = await patch('/v1/Sale/9', [{ op: 'replace', path: '/Heading', value: 'x' }]);
    expect(res.status).toBe(404);
    expect(res.body.ErrorMessage).toBe('Sale id 9 not found');
  });
});

describe('JSON Patch paths', () => {
  it.each(['/Department', 'Department', 'department', '/DEPARTMENT'])(
    '"%s" names Department',
    async (path) => {
      const res = await patch('/v1/Contact/101', [{ op: 'replace', path, value: 'Oslo office' }]);
      expect(res.status).toBe(200);
      expect(res.body.Department).toBe('Oslo office');
    },
  );

  it('follows nested paths (Category/Id on an unset carrier, Address/Street)', async () => {
    const category = await patch('/v1/Contact/101', [{ op: 'replace', path: 'Category/Id', value: 123 }]);
    expect(category.status).toBe(200);
    expect(category.body.Category).toMatchObject({ Id: 123 });
    const street = {
      AtypeIdx: 'ContactStreetAddress',
      Address1: 'Storgata 1',
      City: 'Oslo',
      Zipcode: '0155',
    };
    const address = await patch('/v1/Contact/101', [
      { op: 'replace', path: 'address/street', value: street },
    ]);
    expect(address.body.Address.Street).toEqual(street);
    expect(address.body.Address.Postal.AtypeIdx).toBe('ContactPostalAddress');
  });

  it('appends to an array with /-, and addresses elements by index', async () => {
    const appended = await patch('/v1/Contact/101', [
      { op: 'add', path: '/Phones/-', value: { Value: '+47 22 00 00 00', Description: 'Switchboard' } },
      { op: 'add', path: 'phones/-', value: { Value: '+47 22 11 11 11' } },
    ]);
    expect(appended.body.Phones).toEqual([
      { Value: '+47 22 00 00 00', StrippedValue: '+4722000000', Description: 'Switchboard' },
      { Value: '+47 22 11 11 11', StrippedValue: '+4722111111', Description: '' },
    ]);
    const inserted = await patch('/v1/Contact/101', [
      { op: 'add', path: '/Phones/0', value: { Value: '1' } },
    ]);
    expect(inserted.body.Phones.map((p: Json) => p.Value)).toEqual([
      '1',
      '+47 22 00 00 00',
      '+47 22 11 11 11',
    ]);
    const replaced = await patch('/v1/Contact/101', [
      { op: 'replace', path: '/Phones/1/Description', value: 'Main' },
    ]);
    expect(replaced.body.Phones[1].Description).toBe('Main');
    const removed = await patch('/v1/Contact/101', [{ op: 'remove', path: '/Phones/0' }]);
    expect(removed.body.Phones).toHaveLength(2);
    const outOfRange = await patch('/v1/Contact/101', [
      { op: 'replace', path: '/Phones/7', value: { Value: 'x' } },
    ]);
    expect(outOfRange.status).toBe(400);
  });

  it('writes a reference through its carrier id', async () => {
    const res = await patch('/v1/Sale/2001', [{ op: 'replace', path: 'Person', value: { PersonId: '302' } }]);
    expect(res.status).toBe(200);
    expect(res.body.Person).toMatchObject({ PersonId: 302, Firstname: 'Jonas' });
  });
});

describe('JSON Merge Patch', () => {
  it('sets properties and merges into nested objects', async () => {
    const res = await patch('/v1/Contact/101', {
      OrgNr: '987654321',
      address: { Postal: { City: 'Bergen' } },
      CustomFields: { 'SuperOffice:2': 'Enterprise' },
    });
    expect(res.status).toBe(200);
    expect(res.body.OrgNr).toBe('987654321');
    expect(res.body.Address.Postal).toMatchObject({ AtypeIdx: 'ContactPostalAddress', City: 'Bergen' });
    expect(res.body.CustomFields['SuperOffice:2']).toBe('Enterprise');
  });

  it('appends an object sent where an array is expected', async () => {
    await patch('/v1/Contact/101', [{ op: 'add', path: '/Phones/-', value: { Value: '1' } }]);
    const res = await patch('/v1/Contact/101', { Phones: { Value: '2' } });
    expect(res.body.Phones.map((p: Json) => p.Value)).toEqual(['1', '2']);
  });

  it('replaces the whole array when an array is sent', async () => {
    await patch('/v1/Contact/101', [{ op: 'add', path: '/Phones/-', value: { Value: '1' } }]);
    const res = await patch('/v1/Contact/101', { Phones: [{ Value: '3' }, { Value: '4' }] });
    expect(res.body.Phones.map((p: Json) => p.Value)).toEqual(['3', '4']);
  });

  it('null resets a property', async () => {
    await patch('/v1/Sale/2001', { SaleText: 'notes' });
    const res = await patch('/v1/Sale/2001', { SaleText: null });
    expect(res.body.SaleText).toBe('');
  });

  it('answers 400 for an unknown property', async () => {
    const res = await patch('/v1/Sale/2001', { Headline: 'x' });
    expect(res.status).toBe(400);
  });
});

describe('read-only fields and UpdatedDate', () => {
  it('never changes read-only fields, whatever the patch says', async () => {
    const before = await get('/v1/Sale/2001');
    const res = await patch('/v1/Sale/2001', [
      { op: 'replace', path: '/SaleId', value: 1 },
      { op: 'replace', path: '/CreatedDate', value: '2000-01-01T00:00:00' },
      { op: 'replace', path: '/UpdatedDate', value: '2000-01-01T00:00:00' },
      { op: 'replace', path: '/CreatedBy', value: { AssociateId: 1 } },
      { op: 'replace', path: '/NextDueDate', value: '2030-01-01T00:00:00' },
      { op: 'replace', path: '/ActiveLinks', value: 4 },
      { op: 'replace', path: '/ActiveErpLinks', value: 4 },
      { op: 'replace', path: '/TableRight', value: { Mask: 'None' } },
      { op: 'replace', path: '/_Links', value: {} },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before);
  });

  it('keeps Person.IsAssociate and Contact.ActiveErpLinks', async () => {
    const person = await patch('/v1/Person/301', [{ op: 'replace', path: '/IsAssociate', value: true }]);
    expect(person.body.IsAssociate).toBe(false);
    const company = await patch('/v1/Contact/101', [{ op: 'replace', path: '/ActiveErpLinks', value: 3 }]);
    expect(company.body.ActiveErpLinks).toBe(0);
  });

  it('moves UpdatedDate and UpdatedBy only when something really changed', async () => {
    const before = await get('/v1/Contact/101');
    const same = await patch('/v1/Contact/101', [{ op: 'replace', path: '/Name', value: before.Name }]);
    expect(same.body.UpdatedDate).toBe(before.UpdatedDate);
    const changed = await patch('/v1/Contact/101', [
      { op: 'replace', path: '/Name', value: 'Nordlys Interiør ASA' },
    ]);
    expect(Date.parse(changed.body.UpdatedDate)).toBeGreaterThan(Date.parse(before.UpdatedDate));
    expect(changed.body.UpdatedBy).toMatchObject({ AssociateId: 5 });
    const again = await patch('/v1/Contact/101', [
      { op: 'replace', path: '/Name', value: 'Nordlys Interiør ASA2' },
    ]);
    expect(Date.parse(again.body.UpdatedDate)).toBeGreaterThan(Date.parse(changed.body.UpdatedDate));
  });

  it('shows a renamed company in its sale at once', async () => {
    await patch('/v1/Contact/101', { Name: 'Nordlys Interiør ASA' });
    expect((await get('/v1/Sale/2001')).Contact.Name).toBe('Nordlys Interiør ASA');
  });
});
