import type { ContractPreview } from '../../src/mapping/preview';
import { previewAnnouncement, previewView } from '../../src/server/settings-page/browser/preview-model';

/** What the Runs tab's Preview table shows of the API's answer, without a browser. */

const signedPreview = (): ContractPreview => ({
  contractId: 9001,
  contractState: 'signed',
  signed: true,
  saleId: 2001,
  companyId: 101,
  summary: 'would_write',
  records: [
    {
      type: 'Sale',
      id: 2001,
      name: 'Office furniture for Nordlys',
      status: 'would_write',
      properties: [
        {
          property: 'Number',
          label: 'Number',
          status: 'would_write',
          current: null,
          value: 'PO-2026-0042',
          source: 'data field "po_number"',
        },
        {
          property: 'SuperOffice:3',
          label: 'Budget',
          status: 'would_write',
          current: '1000',
          value: '2500',
          source: 'data field "budget"',
        },
        { property: 'Heading', status: 'unchanged', value: 'Desks', source: 'data field "heading"' },
        {
          property: 'SuperOffice:9',
          label: 'Region',
          status: 'skipped',
          reason: 'not in this contract (it has no data field "region")',
        },
      ],
    },
    {
      type: 'Contact',
      id: null,
      participant: 2,
      status: 'skipped',
      error: 'no matching Contact: no Person with the e-mail ola@example.com',
      properties: [],
    },
  ],
  products: {
    status: 'would_write',
    lines: [
      {
        product: 'Standing desk',
        status: 'would_write',
        quoteLineId: 5001,
        current: 'quantity 10, discount 0 %',
        value: 'quantity 12, discount 10 %',
        source: 'product "Standing desk"',
      },
      {
        product: 'Old chair',
        status: 'would_write',
        quoteLineId: 5002,
        value: 'removed from the quote: no longer in the contract',
        source: 'quote line 5002',
      },
      { product: 'Lamp', status: 'would_write', value: 'quantity 2', source: 'product "Lamp"' },
      { product: 'Gift card', status: 'skipped', reason: 'no matching line in the product catalog' },
    ],
  },
  notes: ['The signed PDF would be filed as a Document on Sale 2001 (document type 7)'],
});

describe('the Preview table of the Runs tab', () => {
  it('shows per record each property with its value now and the value a sync would write, changes marked', () => {
    const view = previewView(signedPreview());

    expect(view.heading).toBe(
      'Preview of contract 9001 (signed in Oneflow): nothing has been written to SuperOffice',
    );
    expect(view.notice).toBeUndefined();
    expect(view.failure).toBeUndefined();
    expect(view.summary).toEqual({ label: 'A sync would write the changes marked below', tone: 'success' });
    expect(view.sections.map((s) => s.title)).toEqual([
      'Sale 2001 · Office furniture for Nordlys',
      'Contact (not found) (participant 2)',
      'Product lines of Sale 2001',
    ]);
    const [sale, contact, products] = view.sections;
    expect(sale!.rows).toEqual([
      {
        name: 'Number',
        status: { label: 'Would write', tone: 'success' },
        now: '(empty)',
        wouldWrite: 'PO-2026-0042',
        why: 'data field "po_number"',
        changed: true,
      },
      {
        name: 'Budget',
        key: 'SuperOffice:3',
        status: { label: 'Would write', tone: 'success' },
        now: '1000',
        wouldWrite: '2500',
        why: 'data field "budget"',
        changed: true,
      },
      {
        name: 'Heading',
        status: { label: 'Unchanged', tone: 'neutral' },
        now: '',
        wouldWrite: 'Desks',
        why: 'data field "heading"',
        changed: false,
      },
      {
        name: 'Region',
        key: 'SuperOffice:9',
        status: { label: 'Skipped', tone: 'neutral' },
        now: '',
        wouldWrite: '',
        why: 'not in this contract (it has no data field "region")',
        changed: false,
      },
    ]);
    expect(contact).toMatchObject({
      status: { label: 'Skipped' },
      error: 'no matching Contact: no Person with the e-mail ola@example.com',
      rows: [],
    });
    expect(products!.rows.map((r) => [r.name, r.key, r.now, r.wouldWrite, r.changed])).toEqual([
      ['Standing desk', 'quote line 5001', 'quantity 10, discount 0 %', 'quantity 12, discount 10 %', true],
      ['Old chair', 'quote line 5002', '(empty)', 'removed from the quote: no longer in the contract', true],
      ['Lamp', undefined, '(empty)', 'quantity 2', true],
      ['Gift card', undefined, '', '', false],
    ]);
    expect(products!.rows[3]!.why).toBe('no matching line in the product catalog');
    expect(view.changedCount).toBe(5);
    expect(view.notes).toEqual([
      'The signed PDF would be filed as a Document on Sale 2001 (document type 7)',
    ]);
    expect(previewAnnouncement(view)).toBe(
      'Preview of contract 9001 (signed in Oneflow): nothing has been written to SuperOffice. A sync would write the changes marked below; 5 values would change.',
    );
  });

  it('says first that a contract is not signed, and what would fail before anything is written', () => {
    const pending = previewView({
      ...signedPreview(),
      contractState: 'pending',
      signed: false,
      notice: 'not signed by all parties',
    });
    expect(pending.notice).toBe('not signed by all parties');
    expect(pending.heading).toContain('(pending in Oneflow)');

    const failing = previewView({
      contractId: 9001,
      contractState: 'signed',
      signed: true,
      summary: 'would_fail',
      records: [],
      products: null,
      notes: [],
      failure: { type: 'NotFound', message: 'Sale 101 does not exist in SuperOffice' },
    });
    expect(failing.failure).toBe(
      'A sync would fail before writing anything: Sale 101 does not exist in SuperOffice',
    );
    expect(failing.summary.tone).toBe('danger');
    expect(failing.sections).toEqual([]);
    expect(failing.changedCount).toBe(0);
    expect(previewAnnouncement(failing)).toMatch(
      /SuperOffice\. A sync would fail before writing anything: Sale 101 does not exist in SuperOffice; no value would change\.$/,
    );
  });

  it('marks nothing when SuperOffice already has every value', () => {
    const preview = signedPreview();
    preview.summary = 'unchanged';
    preview.records = [
      {
        type: 'Company',
        id: 101,
        status: 'unchanged',
        properties: [{ property: 'OrgNr', status: 'unchanged', value: '123', source: 'data field "org"' }],
      },
    ];
    preview.products = null;
    const view = previewView(preview);
    expect(view.sections).toHaveLength(1);
    expect(view.sections[0]!.rows[0]).toMatchObject({ now: '', wouldWrite: '123', changed: false });
    expect(view.changedCount).toBe(0);
    expect(view.summary.label).toMatch(/would change nothing/);
  });
});
