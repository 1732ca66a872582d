type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
import { useDemoSuperOffice } from './superoffice-harness';

const ctx = useDemoSuperOffice();

const list = (path: string, query: Record<string, string> = {}) => ctx.so.api<Json>('GET', path, { query });
const keys = (res: { body: Json }) => res.body.value.map((r: Json) => r.PrimaryKey);

describe('GET /v1/Contact/{id}/Persons', () => {
  it('answers the company persons in the slim OData shape, with the default columns', async () => {
    const res = await list('/v1/Contact/101/Persons');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      'odata.metadata': `${ctx.emu.apiUrl}/v1/Archive/$metadata`,
      'odata.nextLink': null,
      value: [
        {
          PrimaryKey: '301',
          EntityName: 'person',
          personId: 301,
          fullName: 'Anna Berg',
          firstName: 'Anna',
          lastName: 'Berg',
          title: 'Purchasing manager',
          contactId: 101,
          email: 'anna.berg@nordlys.example',
        },
        {
          PrimaryKey: '302',
          EntityName: 'person',
          personId: 302,
          fullName: 'Jonas Dahl',
          firstName: 'Jonas',
          lastName: 'Dahl',
          title: '',
          contactId: 101,
          email: 'jonas.dahl@nordlys.example',
        },
      ],
    });
  });

  it('narrows with $filter and $select like the Person archive', async () => {
    const res = await list('/v1/Contact/101/Persons', {
      $select: 'personId,email/emailAddress',
      $filter: "email/emailAddress eq 'jonas.dahl@nordlys.example'",
    });
    expect(res.body.value).toEqual([
      {
        PrimaryKey: '302',
        EntityName: 'person',
        personId: 302,
        'email/emailAddress': 'jonas.dahl@nordlys.example',
      },
    ]);
  });

  it('answers 404 for an unknown company', async () => {
    const res = await list('/v1/Contact/999/Persons');
    expect(res.status).toBe(404);
    expect(res.body.ErrorMessage).toBe('Contact id 999 not found');
  });
});

describe('GET /v1/Person: finding persons by e-mail', () => {
  it.each([
    "email eq 'maria.lund@fjord.example'",
    "email/emailAddress eq 'maria.lund@fjord.example'",
    "email equals 'Maria.Lund@Fjord.example'",
    "email = 'MARIA.LUND@FJORD.EXAMPLE'",
    "email begins 'maria.'",
    "startswith(email,'maria')",
  ])('%s finds Maria Lund', async (filter) => {
    const res = await list('/v1/Person', { $filter: filter });
    expect(res.status).toBe(200);
    expect(keys(res)).toEqual(['303']);
  });

  it('matches any of a person’s addresses and shows the first', async () => {
    await ctx.so.api('PATCH', '/v1/Person/301', {
      body: [{ op: 'add', path: '/Emails/-', value: { Value: 'anna@private.example' } }],
    });
    const res = await list('/v1/Person', { $filter: "email eq 'anna@private.example'" });
    expect(res.body.value).toHaveLength(1);
    expect(res.body.value[0]).toMatchObject({ personId: 301, email: 'anna.berg@nordlys.example' });
  });

  it('finds nobody for an unknown address', async () => {
    expect((await list('/v1/Person', { $filter: "email eq 'nobody@nowhere.example'" })).body.value).toEqual(
      [],
    );
  });

  it('combines terms with and/or and restricts by contactId', async () => {
    const inCompany = await list('/v1/Person', { $filter: "contactId eq 101 and email contains 'jonas'" });
    expect(keys(inCompany)).toEqual(['302']);
    const either = await list('/v1/Person', { $filter: "contactId eq 102 or email begins 'anna'" });
    expect(keys(either)).toEqual(['301', '303']);
    const oneOf = await list('/v1/Person', { $filter: 'contactId oneOf (101, 102) and personId gt 301' });
    expect(keys(oneOf)).toEqual(['302', '303']);
    const notIn = await list('/v1/Person', { $filter: "email notBegins 'anna'" });
    expect(keys(notIn)).toEqual(['302', '303']);
  });

  it('pages with $top and $skip and orders with $orderby', async () => {
    expect(keys(await list('/v1/Person', { $top: '2' }))).toEqual(['301', '302']);
    expect(keys(await list('/v1/Person', { $skip: '1', $top: '1' }))).toEqual(['302']);
    expect(keys(await list('/v1/Person', { $orderby: 'lastName desc' }))).toEqual(['303', '302', '301']);
  });

  it.each([
    [{ $filter: "shoeSize eq '43'" }, "Unknown column 'shoeSize'"],
    [{ $filter: "email like 'x'" }, "operator 'like' is not supported"],
    [{ $filter: "email eq 'unterminated" }, 'unterminated string'],
    [{ $filter: 'personId eq' }, 'unexpected end'],
    [{ $select: 'personId,nope' }, "Unknown column 'nope'"],
    [{ $top: 'ten' }, '$top must be a non-negative integer'],
    [{ $mode: 'full' }, '$mode=full is not supported'],
    [{ $entities: 'contact' }, "$entities: the person archive has no entity 'contact'"],
    [{ $context: 'x' }, 'The query option $context is not supported'],
  ])('answers 400 with a clear message for %j', async (query, message) => {
    const res = await list('/v1/Person', query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ Error: true, ErrorType: 'ArgumentException' });
    expect(res.body.ErrorMessage).toContain(message);
  });
});

describe('GET /v1/Sale/{id}/Activities', () => {
  it('is empty for the demo sale, and lists a follow-up POSTed for it', async () => {
    expect((await list('/v1/Sale/2001/Activities')).body.value).toEqual([]);
    const created = await ctx.so.api<Json>('POST', '/v1/Appointment', {
      body: {
        Description:
          '[Smart sync] Successfully updated the properties of the following SuperOffice resource types: Sale.',
        StartDate: '2026-12-01T10:00:00',
        Sale: { SaleId: 2001 },
        Contact: { ContactId: 101 },
        Person: { PersonId: 301 },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.Sale).toMatchObject({
      SaleId: 2001,
      Title: 'Office furniture for Nordlys',
      ContactName: 'Nordlys Interiør AS',
    });
    const res = await list('/v1/Sale/2001/Activities');
    expect(res.body.value).toEqual([
      {
        PrimaryKey: String(created.body.AppointmentId),
        EntityName: 'appointment',
        date: '2026-12-01T10:00:00',
        type: '',
        text: created.body.Description,
        associateId: 5,
        contactId: 101,
        personId: 301,
        saleId: 2001,
        completed: false,
      },
    ]);
  });

  it('lists follow-ups linked through Links, and filters them', async () => {
    const linked = await ctx.so.api<Json>('POST', '/v1/Appointment', {
      body: { Description: 'linked', Links: [{ EntityName: 'sale', Id: 2001, Description: 'the sale' }] },
    });
    expect(linked.body.Links[0]).toMatchObject({ EntityName: 'sale', Id: 2001, LinkId: expect.any(Number) });
    expect(linked.body.ActiveLinks).toBe(1);
    await ctx.so.api('POST', '/v1/Appointment', { body: { Description: 'unrelated' } });
    const res = await list('/v1/Sale/2001/Activities', { $select: 'saleId,date,text' });
    expect(res.body.value).toEqual([
      {
        PrimaryKey: String(linked.body.AppointmentId),
        EntityName: 'appointment',
        saleId: 2001,
        date: expect.any(String),
        text: 'linked',
      },
    ]);
    const filtered = await list('/v1/Sale/2001/Activities', { $filter: "text begins '[Smart sync]'" });
    expect(filtered.body.value).toEqual([]);
  });

  it('answers 404 for an unknown sale', async () => {
    expect((await list('/v1/Sale/1/Activities')).status).toBe(404);
  });

  it('finds follow-ups by a text anywhere in a long Description, as SuperOffice documents the query', async () => {
    const long = `[Smart sync] ${'a line of the outcome\n'.repeat(200)}\nOneflow contract 9001 · ref Token-42`;
    const ours = await ctx.so.api<Json>('POST', '/v1/Appointment', {
      body: { Description: long, StartDate: '2026-12-01T10:00:00', Sale: { SaleId: 2001 } },
    });
    await ctx.so.api('POST', '/v1/Appointment', {
      body: { Description: 'Call Anna about token-4 and more', Sale: { SaleId: 2001 } },
    });
    const res = await list('/v1/Sale/2001/Activities', {
      $entities: 'appointment',
      $select: 'appointmentId,text,date',
      $filter: "text contains 'token-42'",
    });
    expect(res.status).toBe(200);
    expect(res.body.value).toEqual([
      {
        PrimaryKey: String(ours.body.AppointmentId),
        EntityName: 'appointment',
        appointmentId: ours.body.AppointmentId,
        text: long,
        date: '2026-12-01T10:00:00',
      },
    ]);
  });

  it('keeps the rows of the entities $entities names: follow-ups are appointments, and no documents are emulated', async () => {
    await ctx.so.api('POST', '/v1/Appointment', { body: { Description: 'x', Sale: { SaleId: 2001 } } });
    const of = async (entities: string) =>
      (await list('/v1/Sale/2001/Activities', { $entities: entities })).body.value.length;
    expect(await of('appointment')).toBe(1);
    expect(await of('document, appointment')).toBe(1);
    expect(await of('document')).toBe(0);
    expect(await of('')).toBe(1);
    const unknown = await list('/v1/Sale/2001/Activities', { $entities: 'ticket' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.ErrorMessage).toContain("has no entity 'ticket' (it has document, appointment)");
  });
});

describe('GET /v1/Appointment', () => {
  it('filters follow-ups by sale id', async () => {
    const a = await ctx.so.api<Json>('POST', '/v1/Appointment', {
      body: { Description: 'a', Sale: { SaleId: 2001 } },
    });
    await ctx.so.api('POST', '/v1/Appointment', { body: { Description: 'b' } });
    const res = await list('/v1/Appointment', { $filter: 'saleId eq 2001', $select: 'appointmentId,text' });
    expect(res.body.value).toEqual([
      {
        PrimaryKey: String(a.body.AppointmentId),
        EntityName: 'appointment',
        appointmentId: a.body.AppointmentId,
        text: 'a',
      },
    ]);
  });
});
