import {
  DEMO_SUPEROFFICE_TOKEN,
  SuperOfficeEmulatorClient,
  startSuperOfficeEmulator,
  superofficeDemoSeed,
  superOfficeSeedSchema,
} from '../../src/emulators/superoffice';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
import { useDemoSuperOffice } from './superoffice-harness';

const ctx = useDemoSuperOffice();

const demo = () => structuredClone(superofficeDemoSeed) as Json;

describe('seed validation', () => {
  it.each([
    ['a misspelt property', (d: Json) => (d.sales[0].Headng = 'x'), ['sales', 'Headng']],
    [
      'a reference to a company not in the seed',
      (d: Json) => (d.sales[0].Contact = { ContactId: 999 }),
      ['sales', 'Contact', 'Contact id 999 is not in the seed'],
    ],
    [
      'a custom value that does not fit',
      (d: Json) => (d.persons[0].CustomFields = { 'SuperOffice:4': 'big' }),
      ['persons', 'SuperOffice:4', 'whole number'],
    ],
    [
      'a List field without its list',
      (d: Json) => delete d.customFields.Sale[2].listId,
      ['customFields', 'listId'],
    ],
    [
      'a list field pointing at a missing list',
      (d: Json) => (d.customFields.Sale[2].listId = 77),
      ['list 77 is not in lists'],
    ],
    ['a duplicate id', (d: Json) => d.persons.push({ ...d.persons[0] }), ['duplicate PersonId 301']],
    [
      'a quote for a sale not in the seed',
      (d: Json) => (d.quotes[0].SaleId = 4),
      ['quotes', 'Sale id 4 is not in the seed'],
    ],
    ['an unknown top-level section', (d: Json) => (d.projects = []), ['projects']],
    [
      'an enum value SuperOffice does not have',
      (d: Json) => (d.sales[0].Status = 'Won'),
      ['sales', 'Status'],
    ],
  ])('rejects %s with 400 saying what and where', async (_what, spoil, fragments) => {
    const doc = demo();
    spoil(doc);
    const res = await ctx.so.seed(doc);
    expect(res.status).toBe(400);
    const body = res.body as { error: string; issues: string };
    expect(body.error).toBe('invalid seed document');
    for (const fragment of fragments) expect(body.issues).toContain(fragment);
  });

  it('changes nothing when a seed is rejected', async () => {
    await ctx.so.api('PATCH', '/v1/Sale/2001', { body: { Number: 'kept' } });
    const before = await ctx.so.state();
    const doc = demo();
    doc.sales[0].Contact = { ContactId: 999 };
    expect((await ctx.so.seed(doc)).status).toBe(400);
    expect(await ctx.so.state()).toEqual(before);
  });
});

describe('the demo seed', () => {
  it('passes its own schema', () => {
    expect(superOfficeSeedSchema.safeParse(superofficeDemoSeed).success).toBe(true);
  });

  it('has the companies, persons, associate and sale of docs/decisions.md', async () => {
    const state = await ctx.so.state<Json>();
    expect(state.contacts.map((c: Json) => [c.ContactId, c.Name, c.OrgNr])).toEqual([
      [101, 'Nordlys Interiør AS', ''],
      [102, 'Fjord Logistics AS', ''],
    ]);
    expect(
      state.persons.map((p: Json) => [
        p.PersonId,
        p.FullName,
        p.Emails[0].Value,
        p.Title,
        p.Contact.ContactId,
      ]),
    ).toEqual([
      [301, 'Anna Berg', 'anna.berg@nordlys.example', 'Purchasing manager', 101],
      [302, 'Jonas Dahl', 'jonas.dahl@nordlys.example', '', 101],
      [303, 'Maria Lund', 'maria.lund@fjord.example', '', 102],
    ]);
    expect(state.associates).toEqual([
      expect.objectContaining({
        AssociateId: 5,
        FullName: 'Sofie Seller',
        UserName: 'sofie@oursales.example',
      }),
    ]);
    expect(state.sales).toHaveLength(1);
    expect(state.sales[0]).toMatchObject({
      SaleId: 2001,
      Heading: 'Office furniture for Nordlys',
      Contact: { ContactId: 101 },
      Person: { PersonId: 301 },
      Associate: { AssociateId: 5 },
      Status: 'Open',
      Number: '',
    });
  });

  it('has the custom fields of docs/decisions.md', async () => {
    const fields = async (entity: string) =>
      (await ctx.so.api<Json[]>('GET', `/v1/${entity}/UdefLayout/Published`)).body.map((f) => [
        f.ProgId,
        f.FieldType,
        f.FieldLabel,
        f.IsReadOnly,
      ]);
    expect(await fields('Sale')).toEqual([
      ['SuperOffice:1', 'ShortText', 'Customer reference', false],
      ['SuperOffice:2', 'Date', 'Delivery date', false],
      ['SuperOffice:3', 'List', 'Delivery method', false],
      ['SuperOffice:5', 'Decimal', 'Negotiated margin', false],
      ['SuperOffice:6', 'Number', 'Legacy score', true],
    ]);
    expect(await fields('Contact')).toEqual([
      ['SuperOffice:1', 'Checkbox', 'Framework agreement', false],
      ['SuperOffice:2', 'ShortText', 'Customer segment', false],
    ]);
    expect(await fields('Person')).toEqual([
      ['SuperOffice:4', 'Number', 'Shoe size', false],
      ['SuperOffice:5', 'ShortText', 'Preferred language', false],
    ]);
    const extra = (await ctx.so.api<Json[]>('GET', '/v1/Contact/CustomField')).body.find(
      (f) => f.FieldName === 'x_invoice_email',
    );
    expect(extra).toMatchObject({ FieldType: 'ShortText', DisplayName: 'Invoice email' });
  });

  it('has a quote whose totals follow the arithmetic, and a Sale amount equal to its likely alternative', async () => {
    const state = await ctx.so.state<Json>();
    const [quote] = state.quotes;
    expect(quote).toMatchObject({
      QuoteId: 7001,
      SaleId: 2001,
      ActiveQuoteVersionId: 7101,
      UseValuesFromQuote: 1,
    });
    const [version] = quote.versions;
    expect(version).toMatchObject({ QuoteVersionId: 7101, LikelyQuoteAlternativeId: 7201 });
    const [alternative] = version.alternatives;
    expect(alternative).toMatchObject({ QuoteAlternativeId: 7201, Name: 'Standard' });
    expect(
      alternative.lines.map((l: Json) => [
        l.QuoteLineId,
        l.ERPProductKey,
        l.Name,
        l.Quantity,
        l.UnitListPrice,
        l.DiscountAmount,
      ]),
    ).toEqual([
      [7301, 'DESK-01', 'Standing desk', 10, 4500, 0],
      [7302, 'CHAIR-02', 'Ergonomic chair', 10, 2200, 0],
      [7303, 'LAMP-03', 'Desk lamp', 10, 450, 0],
    ]);
    for (const l of alternative.lines) {
      expect(l.SubTotal).toBe(l.Quantity * l.UnitListPrice);
      expect(l.TotalPrice).toBe(l.SubTotal - l.DiscountAmount);
    }
    expect(alternative.SubTotal).toBe(45000 + 22000 + 4500);
    expect(alternative.TotalPrice).toBe(71500);
    expect(state.sales[0].Amount).toBe(alternative.TotalPrice);
    // Recalculating changes nothing: the seed is already consistent.
    const res = await ctx.so.api<Json>('POST', '/v1/Agents/Quote/RecalculateQuoteAlternative', {
      body: { QuoteAlternative: 7201 },
    });
    expect(res.body.QuoteLinesHasChanged).toBe(false);
    expect(res.body.ChangedQuoteAlternative.TotalPrice).toBe(71500);
    expect((await ctx.so.state<Json>()).sales[0].UpdatedDate).toBe(state.sales[0].UpdatedDate);
  });

  it('is what startSuperOfficeEmulator loads when given no seed', async () => {
    const fresh = await startSuperOfficeEmulator({ port: 0 });
    try {
      const client = new SuperOfficeEmulatorClient(fresh.origin, fresh.apiUrl, DEMO_SUPEROFFICE_TOKEN);
      expect((await client.api<Json>('GET', '/v1/Sale/2001')).body.Amount).toBe(71500);
    } finally {
      await fresh.close();
    }
  });
});

describe('reset, state and ids', () => {
  it('reset empties the state; the configured token still works', async () => {
    await ctx.so.reset();
    const state = await ctx.so.state<Json>();
    expect([state.contacts, state.persons, state.sales, state.appointments, state.quotes]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ]);
    expect((await ctx.so.api('GET', '/v1/Sale/2001')).status).toBe(404);
    const created = await ctx.so.api<Json>('POST', '/v1/Contact', { body: { Name: 'First' } });
    expect(created.body.ContactId).toBe(1);
  });

  it('continues ids after the seeded maximum', async () => {
    const doc = demo();
    doc.companies.push({ ContactId: 500, Name: 'High id' });
    await ctx.so.seed(doc);
    expect((await ctx.so.api<Json>('POST', '/v1/Contact', { body: { Name: 'Next' } })).body.ContactId).toBe(
      501,
    );
    expect((await ctx.so.api<Json>('POST', '/v1/Sale', { body: { Heading: 'Next' } })).body.SaleId).toBe(
      2002,
    );
  });

  it('takes its own state back as a seed', async () => {
    await ctx.so.api('PATCH', '/v1/Sale/2001', {
      body: { CustomFields: { 'SuperOffice:3': '3' }, Number: 'PO-1' },
    });
    await ctx.so.api('POST', '/v1/Appointment', { body: { Description: 'note', Sale: { SaleId: 2001 } } });
    const state = await ctx.so.state<Json>();
    const res = await ctx.so.seed(state);
    expect(res.status).toBe(200);
    expect(await ctx.so.state()).toEqual(state);
  });

  it('serves another tenant and token when told to', async () => {
    const other = await startSuperOfficeEmulator({
      port: 0,
      contextId: 'Cust777',
      accessToken: 'other-token',
      seed: {},
    });
    try {
      expect(other.apiUrl).toBe(`${other.origin}/Cust777/api`);
      const client = new SuperOfficeEmulatorClient(other.origin, other.apiUrl, 'other-token');
      expect((await client.api('GET', '/v1/Sale/2001')).status).toBe(404);
      const demoToken = new SuperOfficeEmulatorClient(other.origin, other.apiUrl, DEMO_SUPEROFFICE_TOKEN);
      expect((await demoToken.api('GET', '/v1/Sale/2001')).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
