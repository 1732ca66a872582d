import { DEMO_SUPEROFFICE_TOKEN } from '../../src/emulators/superoffice';
import { type Json, useDemoSuperOffice } from './superoffice-harness';

/**
 * What Smart Sync's signing extras need of the SuperOffice emulator, as SuperOffice
 * documents it: the document types, a Document and its raw content, the Sale's documents,
 * new and deleted quote lines, and the Sale status enum.
 */
const ctx = useDemoSuperOffice();

const newDocument = {
  Header: 'Office furniture – Nordlys Interiør',
  Name: 'Office furniture.pdf',
  Description: 'marker-1',
  DocumentTemplate: { DocumentTemplateId: 4 },
  Sale: { SaleId: 2001 },
  Contact: { ContactId: 101 },
  Person: { PersonId: 301 },
};

describe('SuperOffice emulator: documents', () => {
  it('lists the document types', async () => {
    const res = await ctx.so.api<Json[]>('GET', '/v1/List/DocumentTemplate/Items');
    expect(res.status).toBe(200);
    expect(res.body.map((t) => [t.DocumentTemplateId, t.Name])).toEqual([
      [1, 'Letter'],
      [2, 'Offer'],
      [3, 'Contract'],
      [4, 'Signed agreement'],
    ]);
  });

  it('creates a Document, stores its raw content from PUT …/Content and serves it back', async () => {
    const created = await ctx.so.api<Json>('POST', '/v1/Document', { body: newDocument });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      Header: newDocument.Header,
      Name: 'Office furniture.pdf',
      Sale: { SaleId: 2001 },
      DocumentTemplate: { DocumentTemplateId: 4 },
    });
    const id = created.body.DocumentId as number;
    const pdf = Buffer.from('%PDF-1.4\n\u00ff\u0000 binary bytes');
    const put = await fetch(`${ctx.emu.apiUrl}/v1/Document/${id}/Content`, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${DEMO_SUPEROFFICE_TOKEN}`,
        'Content-Type': 'application/octet-stream',
      },
      body: new Uint8Array(pdf),
    });
    expect(put.status).toBe(200);
    const got = await fetch(`${ctx.emu.apiUrl}/v1/Document/${id}/Content`, {
      headers: { Authorization: `Bearer ${DEMO_SUPEROFFICE_TOKEN}` },
    });
    expect(Buffer.from(await got.arrayBuffer())).toEqual(pdf);
    expect((await ctx.so.api('GET', `/v1/Document/${id}/Length`)).body).toBe(pdf.byteLength);
  });

  it("renames a file whose name the type's documents already have, and lists the Sale's documents", async () => {
    await ctx.so.api('POST', '/v1/Document', { body: newDocument });
    const second = await ctx.so.api<Json>('POST', '/v1/Document', {
      body: { ...newDocument, Description: 'marker-2' },
    });
    expect(second.body.Name).toBe('Office furniture (2).pdf');
    const listed = await ctx.so.api<Json[]>('POST', '/v1/Agents/Document/GetSaleDocuments', {
      body: { SaleId: 2001 },
    });
    expect(listed.body.map((d) => d.Description)).toEqual(['marker-1', 'marker-2']);
    const none = await ctx.so.api<Json[]>('POST', '/v1/Agents/Document/GetSaleDocuments', {
      body: { SaleId: 2002 },
    });
    expect(none.body).toEqual([]);
  });

  it('refuses an unknown document type or Sale with 400, and answers 404 for a Document that is not there', async () => {
    const badType = await ctx.so.api<Json>('POST', '/v1/Document', {
      body: { ...newDocument, DocumentTemplate: { DocumentTemplateId: 99 } },
    });
    expect(badType.status).toBe(400);
    expect(badType.body.ErrorMessage).toBe('DocumentTemplate 99 does not exist');
    const badSale = await ctx.so.api<Json>('POST', '/v1/Document', {
      body: { ...newDocument, Sale: { SaleId: 9 } },
    });
    expect(badSale.status).toBe(400);
    expect((await ctx.so.api('GET', '/v1/Document/77')).status).toBe(404);
  });
});

describe('SuperOffice emulator: quote lines added and deleted, Sale status', () => {
  it('CreateQuoteLine builds an unsaved line from the catalog, or null for a key it does not know; DeleteQuoteLine answers 204', async () => {
    const line = await ctx.so.api<Json>('POST', '/v1/Agents/Quote/CreateQuoteLine', {
      body: { QuoteAlternativeId: 7201, ERPProductKey: 'DESK-01' },
    });
    expect(line.body).toMatchObject({ QuoteLineId: 0, ERPProductKey: 'DESK-01', UnitListPrice: 4500 });
    const unknown = await ctx.so.api('POST', '/v1/Agents/Quote/CreateQuoteLine', {
      body: { QuoteAlternativeId: 7201, ERPProductKey: 'NOPE-99' },
    });
    expect(unknown.body).toBeNull();
    const deleted = await ctx.so.api('POST', '/v1/Agents/Quote/DeleteQuoteLine', {
      body: { QuoteLineId: 7303 },
    });
    expect(deleted.status).toBe(204);
    const lines = await ctx.so.api<Json[]>('POST', '/v1/Agents/Quote/GetQuoteLines', {
      body: { QuoteAlternativeId: 7201 },
    });
    expect(lines.body.map((l) => l.QuoteLineId)).toEqual([7301, 7302]);
  });

  it('takes Sold as a Sale status and answers 400 for a status outside the enum', async () => {
    const sold = await ctx.so.api<Json>('PATCH', '/v1/Sale/2001', {
      body: [{ op: 'replace', path: '/Status', value: 'Sold' }],
    });
    expect(sold.status).toBe(200);
    expect(sold.body.Status).toBe('Sold');
    const won = await ctx.so.api<Json>('PATCH', '/v1/Sale/2001', {
      body: [{ op: 'replace', path: '/Status', value: 'Won' }],
    });
    expect(won.status).toBe(400);
  });
});
