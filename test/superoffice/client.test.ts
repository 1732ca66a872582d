import { apiError, useEmulator } from './client-harness';

/** The REST side of SuperOfficeClient, against the SuperOffice emulator over HTTP, on the demo data. */
const h = useEmulator();

describe('SuperOfficeClient: reading entities', () => {
  it('reads the demo Sale with its carriers', async () => {
    const sale = await h.client.getSale(2001);
    expect(sale).toMatchObject({
      SaleId: 2001,
      Heading: 'Office furniture for Nordlys',
      Status: 'Open',
      Number: '',
      Contact: { ContactId: 101 },
      Person: { PersonId: 301 },
      Associate: { AssociateId: 5 },
    });
    expect(typeof sale.Amount).toBe('number');
    expect(typeof sale.Saledate).toBe('string');
    expect(typeof sale.UpdatedDate).toBe('string');
  });

  it('reads a Company (REST Contact) and a Contact (REST Person)', async () => {
    const company = await h.client.getCompany(101);
    expect(company).toMatchObject({ ContactId: 101, Name: 'Nordlys Interiør AS', OrgNr: '' });

    const person = await h.client.getPerson(301);
    expect(person).toMatchObject({
      PersonId: 301,
      Firstname: 'Anna',
      Lastname: 'Berg',
      Title: 'Purchasing manager',
      Contact: { ContactId: 101 },
    });
    expect(person.Emails?.map((e) => e.Value)).toEqual(['anna.berg@nordlys.example']);
  });

  it('keeps the fields it does not type, so an entity can be passed on whole', async () => {
    const sale = await h.client.getSale(2001);
    expect(sale).toHaveProperty('Probability');
    expect(sale).toHaveProperty('_Links');
  });
});

describe('SuperOfficeClient: JSON Patch', () => {
  it('patches the Sale Number and reads it back', async () => {
    const patched = await h.client.patchSale(2001, [
      { op: 'replace', path: 'Number', value: 'PO-2026-0042' },
    ]);
    expect(patched.Number).toBe('PO-2026-0042');
    expect((await h.client.getSale(2001)).Number).toBe('PO-2026-0042');
  });

  it('writes custom fields in the plain form and reads them back encoded', async () => {
    const udefs = await h.client.getPublishedUdefs('Sale');
    const listName = udefs.find((u) => u.ProgId === 'SuperOffice:3')?.MdoListName;
    expect(listName).toBeTruthy();
    const freight = (await h.client.getMdoList(listName as string)).find((i) => i.Name === 'Freight');
    expect(freight).toBeDefined();

    await h.client.patchSale(2001, [
      { op: 'replace', path: 'CustomFields/SuperOffice:1', value: 'Nordlys ref 17' },
      { op: 'replace', path: 'CustomFields/SuperOffice:2', value: '2026-12-15' },
      { op: 'replace', path: 'CustomFields/SuperOffice:3', value: String(freight?.Id) },
      { op: 'replace', path: 'CustomFields/SuperOffice:5', value: '12.5' },
    ]);
    const fields = (await h.client.getSale(2001)).CustomFields ?? {};
    expect(fields['SuperOffice:1']).toBe('Nordlys ref 17');
    expect(fields['SuperOffice:2']).toBe('[D:2026.12.15]');
    expect(fields['SuperOffice:3']).toBe(`[I:${freight?.Id}]`);
    expect(fields['SuperOffice:3:DisplayText']).toBe('Freight');
    expect(fields['SuperOffice:5']).toBe('[F:12.5]');
  });

  it('patches a Company: a standard field, a checkbox udef and an extra field', async () => {
    const company = await h.client.patchCompany(101, [
      { op: 'replace', path: 'OrgNr', value: '987654321' },
      {
        op: 'replace',
        path: 'CustomFields',
        value: { 'SuperOffice:1': '1', x_invoice_email: 'ap@nordlys.example' },
      },
    ]);
    expect(company.OrgNr).toBe('987654321');
    const reread = await h.client.getCompany(101);
    expect(reread.OrgNr).toBe('987654321');
    expect(reread.CustomFields?.['SuperOffice:1']).toBe('[I:1]');
    expect(reread.CustomFields?.x_invoice_email).toBe('ap@nordlys.example');
  });

  it('patches a Contact: Title and a Number udef', async () => {
    await h.client.patchPerson(302, [
      { op: 'replace', path: 'Title', value: 'Office manager' },
      { op: 'replace', path: 'CustomFields/SuperOffice:4', value: '43' },
    ]);
    const person = await h.client.getPerson(302);
    expect(person.Title).toBe('Office manager');
    expect(person.CustomFields?.['SuperOffice:4']).toBe('[I:43]');
  });

  it('sends the patch document as SuperOffice documents it: a JSON array of operations', async () => {
    const ops = [
      { op: 'test' as const, path: 'Number', value: '' },
      { op: 'replace' as const, path: 'Number', value: 'PO-1' },
    ];
    await h.client.patchSale(2001, ops);
    const patch = (await h.requests()).find((r) => r.method === 'PATCH');
    expect(patch?.path).toBe('/Cust12345/api/v1/Sale/2001');
    expect(patch?.body).toEqual(ops);
  });
});

describe('SuperOfficeClient: finding Contacts', () => {
  it("lists a Company's Contacts with their e-mail addresses, in id order", async () => {
    const persons = await h.client.listCompanyPersons(101);
    expect(persons).toEqual([
      { personId: 301, contactId: 101, fullName: 'Anna Berg', email: 'anna.berg@nordlys.example' },
      { personId: 302, contactId: 101, fullName: 'Jonas Dahl', email: 'jonas.dahl@nordlys.example' },
    ]);
  });

  it('finds Contacts anywhere by e-mail address, with the documented archive filter', async () => {
    const found = await h.client.findPersonsByEmail('maria.lund@fjord.example');
    expect(found).toEqual([
      { personId: 303, contactId: 102, fullName: 'Maria Lund', email: 'maria.lund@fjord.example' },
    ]);
    const call = (await h.requests()).find((r) => r.method === 'GET' && r.path.endsWith('/v1/Person'));
    expect(call?.query).toMatchObject({
      $filter: "email/emailAddress eq 'maria.lund@fjord.example'",
      $select: 'personId,contactId,fullName,email/emailAddress',
    });
  });

  it('escapes a quote in the address instead of breaking the filter', async () => {
    const found = await h.client.findPersonsByEmail("liam.o'brien@fjord.example");
    expect(found.map((p) => p.personId)).toEqual([304]);
  });

  it('answers an empty list for an address nobody has', async () => {
    await expect(h.client.findPersonsByEmail('nobody@nowhere.example')).resolves.toEqual([]);
  });
});

describe('SuperOfficeClient: Activities (Appointment)', () => {
  it('creates a follow-up linked to the Sale, reads it back and finds it among the Sale activities', async () => {
    const description =
      '[Smart sync] Successfully updated the properties of the following SuperOffice resource types: Sale.';
    const created = await h.client.createAppointment({
      Description: description,
      Type: 'Note',
      Sale: { SaleId: 2001 },
      Contact: { ContactId: 101 },
      Person: { PersonId: 301 },
      Associate: { AssociateId: 5 },
    });
    expect(created.AppointmentId).toBeGreaterThan(0);
    expect(created.Description).toBe(description);

    const read = await h.client.getAppointment(created.AppointmentId);
    expect(read).toMatchObject({
      AppointmentId: created.AppointmentId,
      Description: description,
      Sale: { SaleId: 2001 },
      Contact: { ContactId: 101 },
    });

    const activities = await h.client.listSaleActivities(2001);
    expect(activities).toContainEqual(
      expect.objectContaining({ id: created.AppointmentId, entityName: 'appointment', text: description }),
    );
  });

  it('lists no activities for a Sale that has none', async () => {
    await expect(h.client.listSaleActivities(2002)).resolves.toEqual([]);
  });
});

describe('SuperOfficeClient: field metadata', () => {
  it('reads the custom fields of each entity, with their read-only flag', async () => {
    const sale = await h.client.getCustomFields('Sale');
    expect(sale.map((f) => f.FieldName).sort()).toEqual([
      'SuperOffice:1',
      'SuperOffice:2',
      'SuperOffice:3',
      'SuperOffice:5',
      'SuperOffice:6',
    ]);
    expect(sale.find((f) => f.FieldName === 'SuperOffice:6')?.IsReadOnly).toBe(true);
    expect(sale.find((f) => f.FieldName === 'SuperOffice:1')?.IsReadOnly).toBe(false);

    const company = await h.client.getCustomFields('Contact');
    expect(company.map((f) => f.FieldName)).toContain('x_invoice_email');
    const person = await h.client.getCustomFields('Person');
    expect(person.map((f) => f.FieldName).sort()).toEqual(['SuperOffice:4', 'SuperOffice:5']);
  });

  it('reads the published udef layout and the items of a List udef', async () => {
    const udefs = await h.client.getPublishedUdefs('Sale');
    expect(udefs.find((u) => u.ProgId === 'SuperOffice:1')).toMatchObject({
      FieldType: 'ShortText',
      TextLength: 40,
    });
    const list = udefs.find((u) => u.ProgId === 'SuperOffice:3');
    expect(list?.FieldType).toBe('List');
    // Extra fields are not udefs.
    expect((await h.client.getPublishedUdefs('Contact')).map((u) => u.ProgId)).not.toContain(
      'x_invoice_email',
    );

    const items = await h.client.getMdoList(list?.MdoListName as string);
    expect(items.map((i) => i.Name)).toEqual(['Courier', 'Pick-up', 'Freight']);
  });

  it('refuses a list name that could change the request path, without calling', async () => {
    const err = await apiError(() => h.client.getMdoList('../Sale/2001'));
    expect(err.kind).toBe('rejected');
    expect(await h.requests()).toEqual([]);
  });
});
