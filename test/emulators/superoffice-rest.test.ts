import {
  DEMO_SUPEROFFICE_APP_TOKEN,
  DEMO_SUPEROFFICE_TICKET,
  DEMO_SUPEROFFICE_TOKEN,
  SuperOfficeEmulatorClient,
  startSuperOfficeEmulator,
  superofficeDemoSeed,
  type RunningSuperOfficeEmulator,
} from '../../src/emulators/superoffice';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let emu: RunningSuperOfficeEmulator;
let so: SuperOfficeEmulatorClient;

beforeAll(async () => {
  emu = await startSuperOfficeEmulator({ port: 0 });
  so = new SuperOfficeEmulatorClient(emu.origin, emu.apiUrl, DEMO_SUPEROFFICE_TOKEN);
});
afterAll(() => emu.close());
beforeEach(async () => {
  await so.reset();
  expect((await so.seed(superofficeDemoSeed)).status).toBe(200);
});

describe('base path and version', () => {
  it('serves the tenant API under /{ContextId}/api', () => {
    expect(emu.apiUrl).toBe(`${emu.origin}/Cust12345/api`);
  });

  it('answers GET {base}/api with the version document', async () => {
    const res = await so.api<Json>('GET', '', { headers: { Authorization: null } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ v1: `${emu.apiUrl}/v1`, Version: 'v1', Services: expect.any(String) });
  });

  it('does not serve another tenant', async () => {
    const res = await fetch(`${emu.origin}/Cust99999/api/v1/Sale/2001`, {
      headers: { Authorization: `Bearer ${DEMO_SUPEROFFICE_TOKEN}` },
    });
    expect(res.status).toBe(404);
  });
});

describe('auth', () => {
  const unauthorized = {
    Error: true,
    ErrorType: 'UnauthorizedAccessException',
    ErrorMessage: expect.any(String),
    ErrorSource: 'SuperOffice.Services.Implementation',
  };

  it('answers 401 without an Authorization header', async () => {
    const res = await so.api('GET', '/v1/Sale/2001', { headers: { Authorization: null } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(unauthorized);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 401 for a wrong bearer token and for another scheme', async () => {
    for (const auth of ['Bearer 8A:Cust12345.wrong', 'Basic dXNlcjpwYXNz', DEMO_SUPEROFFICE_TOKEN]) {
      const res = await so.api('GET', '/v1/Sale/2001', { headers: { Authorization: auth } });
      expect(res.status).toBe(401);
    }
  });

  it('accepts a SOTicket only together with its SO-AppToken', async () => {
    const ticket = `SOTicket ${DEMO_SUPEROFFICE_TICKET}`;
    const withApp = await so.api('GET', '/v1/Sale/2001', {
      headers: { Authorization: ticket, 'SO-AppToken': DEMO_SUPEROFFICE_APP_TOKEN },
    });
    expect(withApp.status).toBe(200);
    const without = await so.api('GET', '/v1/Sale/2001', { headers: { Authorization: ticket } });
    expect(without.status).toBe(401);
    const wrongApp = await so.api('GET', '/v1/Sale/2001', {
      headers: { Authorization: ticket, 'SO-AppToken': 'nope' },
    });
    expect(wrongApp.status).toBe(401);
  });

  it('accepts tokens listed in the seed, each acting as its associate', async () => {
    await so.seed({
      ...superofficeDemoSeed,
      associates: [
        ...(superofficeDemoSeed.associates ?? []),
        { AssociateId: 9, Name: 'BOT', FullName: 'Sync Bot' },
      ],
      tokens: [{ token: 'bot-token', associateId: 9 }],
    });
    const bot = new SuperOfficeEmulatorClient(emu.origin, emu.apiUrl, 'bot-token');
    const res = await bot.api<Json>('PATCH', '/v1/Sale/2001', { body: { Heading: 'By the bot' } });
    expect(res.status).toBe(200);
    expect(res.body.UpdatedBy).toMatchObject({ AssociateId: 9, FullName: 'Sync Bot' });
  });
});

describe('GET an entity', () => {
  it('answers the SaleEntity with filled carriers, custom fields and _Links', async () => {
    const res = await so.api<Json>('GET', '/v1/Sale/2001');
    expect(res.status).toBe(200);
    const sale = res.body;
    expect(sale).toMatchObject({
      SaleId: 2001,
      Heading: 'Office furniture for Nordlys',
      Status: 'Open',
      Number: '',
      Amount: 71500,
      Contact: { ContactId: 101, Name: 'Nordlys Interiør AS', AssociateFullName: 'Sofie Seller' },
      Person: { PersonId: 301, Firstname: 'Anna', Lastname: 'Berg', FullName: 'Anna Berg', ContactId: 101 },
      Associate: { AssociateId: 5, FullName: 'Sofie Seller' },
      _Links: { Self: `${emu.apiUrl}/v1/Sale/2001`, Archive: `${emu.apiUrl}/v1/Sale` },
    });
    expect(sale.Person.Email).toBe('anna.berg@nordlys.example');
    // Every SaleEntity property of the swagger is present.
    for (const prop of [
      'Saledate',
      'Probability',
      'Links',
      'SaleStakeholders',
      'NextDueDate',
      'VisibleFor',
      'TableRight',
    ]) {
      expect(sale).toHaveProperty(prop);
    }
  });

  it('shows custom fields in the three dictionaries with their siblings', async () => {
    await so.api('PATCH', '/v1/Sale/2001', {
      body: [{ op: 'replace', path: 'CustomFields/SuperOffice:3', value: '3' }],
    });
    const sale = (await so.api<Json>('GET', '/v1/Sale/2001')).body;
    expect(sale.UserDefinedFields).toEqual({
      'SuperOffice:1': '',
      'SuperOffice:2': '',
      'SuperOffice:3': '[I:3]',
      'SuperOffice:3:DisplayText': 'Freight',
      'SuperOffice:3:DisplayTooltip': '',
      'SuperOffice:5': '[F:0]',
      'SuperOffice:6': '[I:7]',
    });
    expect(sale.ExtraFields).toEqual({});
    expect(sale.CustomFields).toMatchObject({
      'SuperOffice:3': '[I:3]',
      'SuperOffice:3:org': '[I:3]',
      'SuperOffice:3:DisplayText': 'Freight',
      'SuperOffice:6': '[I:7]',
      'SuperOffice:6:org': '[I:7]',
    });
    const company = (await so.api<Json>('GET', '/v1/Contact/101')).body;
    expect(company.ExtraFields).toEqual({ x_invoice_email: '' });
    expect(company.CustomFields).toMatchObject({
      x_invoice_email: '',
      'x_invoice_email:org': '',
      'SuperOffice:1': '[I:0]',
    });
  });

  it('lists the persons of a company inside the ContactEntity', async () => {
    const company = (await so.api<Json>('GET', '/v1/Contact/101')).body;
    expect(company.Persons.map((p: Json) => p.PersonId)).toEqual([301, 302]);
    expect(company.Address.Postal.AtypeIdx).toBe('ContactPostalAddress');
  });

  it('answers 404 with exactly the documented body', async () => {
    const res = await so.api('GET', '/v1/Contact/99999');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      Error: true,
      ErrorType: 'SoNotFoundException',
      ErrorMessage: 'Contact id 99999 not found',
      ErrorSource: 'SuperOffice.Services.Implementation',
    });
    for (const entity of ['Sale', 'Person', 'Appointment']) {
      const other = await so.api<Json>('GET', `/v1/${entity}/424242`);
      expect(other.status).toBe(404);
      expect(other.body.ErrorMessage).toBe(`${entity} id 424242 not found`);
    }
  });

  it('matches entity names case-insensitively', async () => {
    const res = await so.api<Json>('GET', '/v1/sale/2001');
    expect(res.status).toBe(200);
    expect(res.body.SaleId).toBe(2001);
  });

  it('nulls the fields not named in $select', async () => {
    const res = await so.api<Json>('GET', '/v1/Sale/2001', { query: { $select: 'heading,Amount' } });
    expect(res.body.Heading).toBe('Office furniture for Nordlys');
    expect(res.body.Amount).toBe(71500);
    expect(res.body.Contact).toBeNull();
    expect(res.body.Status).toBeNull();
  });

  it('answers 304 to If-Modified-Since when nothing changed since', async () => {
    const sale = (await so.api<Json>('GET', '/v1/Sale/2001')).body;
    const after = new Date(Date.parse(sale.UpdatedDate) + 60_000).toUTCString();
    const before = new Date(Date.parse(sale.UpdatedDate) - 60_000).toUTCString();
    const notModified = await so.api('GET', '/v1/Sale/2001', { headers: { 'If-Modified-Since': after } });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeUndefined();
    const modified = await so.api('GET', '/v1/Sale/2001', { headers: { 'If-Modified-Since': before } });
    expect(modified.status).toBe(200);
  });

  it('answers /default with template values and the custom fields empty', async () => {
    const res = await so.api<Json>('GET', '/v1/Sale/default');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ SaleId: 0, Status: 'Open', Heading: '', Associate: { AssociateId: 5 } });
    expect(typeof res.body.Saledate).toBe('string');
    expect(res.body.CustomFields['SuperOffice:2']).toBe('');
    expect(res.body._Links).toBeUndefined();
    const appointment = (await so.api<Json>('GET', '/v1/Appointment/default')).body;
    expect(appointment).toMatchObject({ AppointmentId: 0, Type: 'inDiary', Completed: 'NotStarted' });
  });
});

describe('POST creates', () => {
  it('creates with 200, ids after the seeded maximum, created/updated by the caller', async () => {
    const res = await so.api<Json>('POST', '/v1/Person', {
      body: {
        Firstname: 'Eva',
        Lastname: 'Nes',
        Contact: { ContactId: 102 },
        Emails: [{ Value: 'eva@fjord.example' }],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.PersonId).toBe(304);
    expect(res.body.Contact).toMatchObject({ ContactId: 102, Name: 'Fjord Logistics AS' });
    expect(res.body.CreatedBy).toMatchObject({ AssociateId: 5 });
    expect(res.body.UpdatedBy).toMatchObject({ AssociateId: 5 });
    expect(res.body.CreatedDate).toBe(res.body.UpdatedDate);
    expect(res.body.Emails).toEqual([
      { Value: 'eva@fjord.example', StrippedValue: 'eva@fjord.example', Description: '' },
    ]);
    const second = await so.api<Json>('POST', '/v1/Person', { body: { Firstname: 'Ola' } });
    expect(second.body.PersonId).toBe(305);
  });

  it('ignores a primary key and read-only fields in the body', async () => {
    const res = await so.api<Json>('POST', '/v1/Sale', {
      body: {
        SaleId: 1,
        Heading: 'New',
        CreatedDate: '2001-01-01T00:00:00',
        ActiveErpLinks: 9,
        Contact: { ContactId: 101 },
      },
    });
    expect(res.body.SaleId).toBe(2002);
    expect(res.body.CreatedDate).not.toBe('2001-01-01T00:00:00');
    expect(res.body.ActiveErpLinks).toBe(0);
  });

  it('makes the caller the owner of a follow-up without an associate', async () => {
    const res = await so.api<Json>('POST', '/v1/Appointment', {
      body: { Description: 'Call', Contact: { ContactId: 101 } },
    });
    expect(res.body.Associate).toMatchObject({ AssociateId: 5 });
  });

  it('answers 400 for a reference to something that does not exist, and creates nothing', async () => {
    const res = await so.api<Json>('POST', '/v1/Sale', {
      body: { Heading: 'x', Contact: { ContactId: 999 } },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ Error: true, ErrorType: 'ValidationException' });
    expect(res.body.ErrorMessage).toContain('Contact id 999 does not exist');
    expect((await so.state<Json>()).sales).toHaveLength(1);
  });

  it('answers 400 for a value of the wrong JSON type', async () => {
    const res = await so.api<Json>('POST', '/v1/Sale', { body: { Heading: 'x', Amount: 'lots' } });
    expect(res.status).toBe(400);
    expect(res.body.ErrorMessage).toContain('Sale.Amount');
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await so.api<Json>('POST', '/v1/Sale', { body: '{"Heading": ' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ Error: true, ErrorType: 'ArgumentException' });
  });

  it('requires the Person of a Sale to belong to its Contact', async () => {
    const res = await so.api<Json>('POST', '/v1/Sale', {
      body: { Heading: 'x', Contact: { ContactId: 101 }, Person: { PersonId: 303 } },
    });
    expect(res.status).toBe(400);
    expect(res.body.ErrorMessage).toContain('person 303');
  });
});

describe('PUT replaces', () => {
  it('replaces the entity, keeps read-only fields, ignores unknown properties', async () => {
    const before = (await so.api<Json>('GET', '/v1/Sale/2001')).body;
    const body = {
      ...before,
      Heading: 'Replaced',
      SaleId: 1,
      CreatedDate: '2000-01-01T00:00:00',
      UpdatedBy: { AssociateId: 99 },
      ActiveLinks: 12,
      NoSuchProperty: 'ignored',
    };
    const res = await so.api<Json>('PUT', '/v1/Sale/2001', { body });
    expect(res.status).toBe(200);
    expect(res.body.SaleId).toBe(2001);
    expect(res.body.Heading).toBe('Replaced');
    expect(res.body.CreatedDate).toBe(before.CreatedDate);
    expect(res.body.ActiveLinks).toBe(0);
    expect(res.body.UpdatedBy.AssociateId).toBe(5);
    expect(res.body).not.toHaveProperty('NoSuchProperty');
    expect(Date.parse(res.body.UpdatedDate)).toBeGreaterThan(Date.parse(before.UpdatedDate));
  });

  it('sets the properties a PUT leaves out to their defaults', async () => {
    const res = await so.api<Json>('PUT', '/v1/Sale/2001', {
      body: { Heading: 'Only heading', Contact: { ContactId: 101 } },
    });
    expect(res.status).toBe(200);
    expect(res.body.Amount).toBe(0);
    expect(res.body.Person).toBeNull();
    // Custom fields merge by key: a PUT without them keeps them.
    expect(res.body.CustomFields['SuperOffice:6']).toBe('[I:7]');
  });

  it('does not move UpdatedDate when the GET body is put back unchanged', async () => {
    const before = (await so.api<Json>('GET', '/v1/Sale/2001')).body;
    const res = await so.api<Json>('PUT', '/v1/Sale/2001', { body: before });
    expect(res.body.UpdatedDate).toBe(before.UpdatedDate);
  });

  it('answers 400 without a body', async () => {
    const res = await so.api<Json>('PUT', '/v1/Sale/2001');
    expect(res.status).toBe(400);
    expect(res.body.ErrorMessage).toBe('Entity to save is not in request body');
  });

  it('answers 404 for an unknown id', async () => {
    const res = await so.api<Json>('PUT', '/v1/Person/999', { body: { Firstname: 'x' } });
    expect(res.status).toBe(404);
    expect(res.body.ErrorMessage).toBe('Person id 999 not found');
  });
});

describe('If-Unmodified-Since', () => {
  const hourAgo = () => new Date(Date.now() - 3_600_000).toUTCString();
  const inAnHour = () => new Date(Date.now() + 3_600_000).toUTCString();

  it('answers 412 to PUT, PATCH and DELETE when the entity changed since, and changes nothing', async () => {
    await so.api('PATCH', '/v1/Sale/2001', { body: { Heading: 'Changed just now' } });
    const headers = { 'If-Unmodified-Since': hourAgo() };
    const put = await so.api<Json>('PUT', '/v1/Sale/2001', { body: { Heading: 'PUT' }, headers });
    const patch = await so.api<Json>('PATCH', '/v1/Sale/2001', { body: { Heading: 'PATCH' }, headers });
    const del = await so.api<Json>('DELETE', '/v1/Sale/2001', { headers });
    expect([put.status, patch.status, del.status]).toEqual([412, 412, 412]);
    expect(patch.body).toMatchObject({ Error: true, ErrorType: 'PreconditionFailedException' });
    expect((await so.api<Json>('GET', '/v1/Sale/2001')).body.Heading).toBe('Changed just now');
  });

  it('lets the write through when nothing changed since', async () => {
    const res = await so.api<Json>('PATCH', '/v1/Sale/2001', {
      body: { Heading: 'Fresh' },
      headers: { 'If-Unmodified-Since': inAnHour() },
    });
    expect(res.status).toBe(200);
    expect(res.body.Heading).toBe('Fresh');
  });
});

describe('DELETE', () => {
  it('answers 204 and the entity is gone; a second DELETE is a 404', async () => {
    const created = (await so.api<Json>('POST', '/v1/Appointment', { body: { Description: 'to delete' } }))
      .body;
    const res = await so.api('DELETE', `/v1/Appointment/${created.AppointmentId}`);
    expect(res.status).toBe(204);
    expect((await so.api('GET', `/v1/Appointment/${created.AppointmentId}`)).status).toBe(404);
    expect((await so.api('DELETE', `/v1/Appointment/${created.AppointmentId}`)).status).toBe(404);
  });
});

describe('routes the emulator does not serve', () => {
  it('answers 404 in the error shape', async () => {
    const res = await so.api<Json>('GET', '/v1/Project/1');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ Error: true, ErrorType: 'NotFoundException' });
  });
});
