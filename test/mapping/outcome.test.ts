import { describeOutcome, describeResource, type OutcomeFacts } from '../../src/mapping/outcome';
import type { ResourceResult } from '../../src/workflow-contract';

const sale = (over: Partial<ResourceResult> = {}): ResourceResult => ({
  type: 'Sale',
  id: 2001,
  status: 'updated',
  properties: [
    {
      property: 'Number',
      label: 'Number',
      status: 'written',
      display: 'PO-2026-0042',
      source: 'data field "po_number"',
    },
    { property: 'SuperOffice:2', label: 'Delivery date', status: 'written', display: '2026-12-15' },
  ],
  ...over,
});
const company = (over: Partial<ResourceResult> = {}): ResourceResult => ({
  type: 'Company',
  id: 101,
  name: 'Nordlys Interiør AS',
  status: 'updated',
  properties: [
    { property: 'OrgNr', label: 'Organisation number (VAT number)', status: 'written', display: '987654321' },
  ],
  ...over,
});
const anna = (over: Partial<ResourceResult> = {}): ResourceResult => ({
  type: 'Contact',
  id: 301,
  name: 'Anna Berg',
  participant: 1,
  status: 'updated',
  properties: [{ property: 'Title', label: 'Title', status: 'written', display: 'Head of Purchasing' }],
  ...over,
});
const jonas = (over: Partial<ResourceResult> = {}): ResourceResult => ({
  type: 'Contact',
  id: 302,
  name: 'Jonas Dahl',
  participant: 2,
  status: 'updated',
  properties: [{ property: 'SuperOffice:4', label: 'Shoe size', status: 'written', display: '43' }],
  ...over,
});
const products = (over: Partial<ResourceResult> = {}): ResourceResult => ({
  type: 'Products',
  id: 2001,
  status: 'updated',
  properties: [
    { property: 'Standing desk', status: 'written', display: 'quantity 12, discount 10 %' },
    { property: 'Ergonomic chair', status: 'written', display: 'quantity 12' },
    { property: 'Desk lamp', status: 'written', display: 'quantity 8, discount 400' },
  ],
  ...over,
});

const result = (resources: ResourceResult[], over: Partial<OutcomeFacts> = {}): OutcomeFacts => ({
  contractId: 9001,
  saleId: 2001,
  resources,
  ...over,
});

describe('describeOutcome', () => {
  it('all updated: one success Activity, types in the order Sale, Company, Contact, Products, Contacts by participant', () => {
    const outcome = describeOutcome(result([products(), jonas(), anna(), company(), sale()]));
    expect(outcome.status).toBe('succeeded');
    expect(outcome.updatedTypes).toEqual(['Sale', 'Company', 'Contact', 'Products']);
    expect(outcome.failedTypes).toEqual([]);
    expect(outcome.appointments).toEqual([
      {
        kind: 'success',
        description: [
          '[Smart sync] Successfully updated the properties of the following SuperOffice resource types: Sale, Company, Contact, Products.',
          'Sale 2001: Number = "PO-2026-0042"; Delivery date (SuperOffice:2) = "2026-12-15"',
          'Company 101 (Nordlys Interiør AS): OrgNr = "987654321"',
          'Contact 301 (Anna Berg, participant #1): Title = "Head of Purchasing"',
          'Contact 302 (Jonas Dahl, participant #2): Shoe size (SuperOffice:4) = "43"',
          'Products of Sale 2001: Standing desk = "quantity 12, discount 10 %"; Ergonomic chair = "quantity 12"; Desk lamp = "quantity 8, discount 400"',
        ].join('\n'),
      },
    ]);
  });

  it('matches the documented first line exactly when Sale, Company and Contact were updated', () => {
    const [activity] = describeOutcome(result([sale(), company(), anna()])).appointments;
    expect(activity?.description.split('\n')[0]).toBe(
      '[Smart sync] Successfully updated the properties of the following SuperOffice resource types: Sale, Company, Contact.',
    );
  });

  it('something failed: a success Activity for what was updated and a second one for the failure', () => {
    const outcome = describeOutcome(
      result([
        sale(),
        company({
          status: 'failed',
          error: 'SuperOffice rejected the value: OrgNr is too long',
          properties: [],
        }),
        anna(),
      ]),
    );
    expect(outcome.status).toBe('partially_failed');
    expect(outcome.updatedTypes).toEqual(['Sale', 'Contact']);
    expect(outcome.failedTypes).toEqual(['Company']);
    expect(outcome.appointments.map((a) => a.kind)).toEqual(['success', 'failure']);
    expect(outcome.appointments[0]?.description.split('\n')[0]).toBe(
      '[Smart sync] Successfully updated the properties of the following SuperOffice resource types: Sale, Contact.',
    );
    expect(outcome.appointments[1]?.description).toBe(
      [
        '[Smart sync] Failed to update the properties of the following SuperOffice resource types: Company.',
        'Company 101 (Nordlys Interiør AS): SuperOffice rejected the value: OrgNr is too long',
      ].join('\n'),
    );
  });

  it('everything failed: only the failure Activity, one line per failed resource', () => {
    const outcome = describeOutcome(
      result(
        [
          sale({ status: 'failed', error: 'Sale 2001 not found', properties: [] }),
          anna({
            id: null,
            status: 'failed',
            error: 'no SuperOffice Contact has the email anna.berg@nordlys.example',
            properties: [],
          }),
          products({ status: 'failed', error: 'the Sale has no quote', properties: [] }),
        ],
        { notes: ['Data fields are off: no property was written'] },
      ),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.appointments).toEqual([
      {
        kind: 'failure',
        description: [
          '[Smart sync] Failed to update the properties of the following SuperOffice resource types: Sale, Contact, Products.',
          'Sale 2001: Sale 2001 not found',
          'Contact (Anna Berg, participant #1): no SuperOffice Contact has the email anna.berg@nordlys.example',
          'Products of Sale 2001: the Sale has no quote',
          'Note: Data fields are off: no property was written',
        ].join('\n'),
      },
    ]);
  });

  it('a property that failed inside an updated resource makes that type appear in both Activities', () => {
    const outcome = describeOutcome(
      result([
        sale({
          properties: [
            { property: 'Number', label: 'Number', status: 'written', display: 'PO-2026-0042' },
            {
              property: 'SuperOffice:5',
              label: 'Negotiated margin',
              status: 'failed',
              source: 'data field "margin"',
              reason: '"about ten" is not a number',
            },
            {
              property: 'SuperOffice:3',
              label: 'Delivery method',
              status: 'failed',
              source: 'data field "delivery_method"',
              reason:
                '"Drone" is not an item of the list "Delivery method"; the items are: Courier, Pick-up, Freight',
            },
          ],
        }),
      ]),
    );
    expect(outcome.status).toBe('partially_failed');
    expect(outcome.updatedTypes).toEqual(['Sale']);
    expect(outcome.failedTypes).toEqual(['Sale']);
    expect(outcome.appointments.map((a) => a.description)).toEqual([
      [
        '[Smart sync] Successfully updated the properties of the following SuperOffice resource types: Sale.',
        'Sale 2001: Number = "PO-2026-0042"',
      ].join('\n'),
      [
        '[Smart sync] Failed to update the properties of the following SuperOffice resource types: Sale.',
        'Sale 2001: Negotiated margin (SuperOffice:5) from data field "margin": "about ten" is not a number; Delivery method (SuperOffice:3) from data field "delivery_method": "Drone" is not an item of the list "Delivery method"; the items are: Courier, Pick-up, Freight',
      ].join('\n'),
    ]);
  });

  it('reports unmatched products as a Products failure beside the updated lines', () => {
    const outcome = describeOutcome(
      result([
        products({
          properties: [
            { property: 'Standing desk', status: 'written', display: 'quantity 12' },
            {
              property: 'Whiteboard',
              status: 'failed',
              reason: 'no line of the Sale\'s quote has ERP product key "WB-9" or name "Whiteboard"',
            },
          ],
        }),
      ]),
    );
    expect(outcome.failedTypes).toEqual(['Products']);
    expect(outcome.appointments[1]?.description.split('\n')).toEqual([
      '[Smart sync] Failed to update the properties of the following SuperOffice resource types: Products.',
      'Products of Sale 2001: Whiteboard: no line of the Sale\'s quote has ERP product key "WB-9" or name "Whiteboard"',
    ]);
  });

  it('lists skipped properties, unchanged ones and notes in the success Activity', () => {
    const outcome = describeOutcome(
      result(
        [
          sale({
            properties: [
              { property: 'Number', label: 'Number', status: 'written', display: 'PO-2026-0042' },
              {
                property: 'SuperOffice:2',
                label: 'Delivery date',
                status: 'unchanged',
                display: '2026-12-15',
              },
              {
                property: 'SuperOffice:6',
                label: 'Legacy score',
                status: 'skipped',
                reason: 'not smart-sync-ready: read-only custom field',
              },
            ],
          }),
        ],
        { notes: ["Products are off: the Sale's products were not updated"] },
      ),
    );
    expect(outcome.appointments).toEqual([
      {
        kind: 'success',
        description: [
          '[Smart sync] Successfully updated the properties of the following SuperOffice resource types: Sale.',
          'Sale 2001: Number = "PO-2026-0042"; already up to date: Delivery date (SuperOffice:2)',
          'Skipped on Sale 2001: Legacy score (SuperOffice:6): not smart-sync-ready: read-only custom field',
          "Note: Products are off: the Sale's products were not updated",
        ].join('\n'),
      },
    ]);
  });

  it('says when there was nothing to sync', () => {
    const outcome = describeOutcome(
      result([], { nothingToSync: 'there are no mappings and Products is off' }),
    );
    expect(outcome).toEqual({
      status: 'nothing_to_sync',
      updatedTypes: [],
      failedTypes: [],
      appointments: [
        {
          kind: 'info',
          description: '[Smart sync] Nothing to sync: there are no mappings and Products is off.',
        },
      ],
    });
  });

  it('says when SuperOffice already had every value', () => {
    const outcome = describeOutcome(
      result([
        sale({
          status: 'unchanged',
          properties: [{ property: 'Number', status: 'unchanged', display: 'PO-2026-0042' }],
        }),
        company({
          status: 'skipped',
          properties: [{ property: 'OrgNr', status: 'skipped', reason: 'data field "org_number" is empty' }],
        }),
      ]),
    );
    expect(outcome.status).toBe('unchanged');
    expect(outcome.appointments).toEqual([
      {
        kind: 'info',
        description: [
          "[Smart sync] Nothing to update: SuperOffice already had the contract's values.",
          'Skipped on Company 101 (Nordlys Interiør AS): OrgNr: data field "org_number" is empty',
        ].join('\n'),
      },
    ]);
  });
});

describe('describeResource', () => {
  it.each<[ResourceResult, string]>([
    [sale(), 'Sale 2001'],
    [sale({ name: 'Office furniture for Nordlys' }), 'Sale 2001 (Office furniture for Nordlys)'],
    [company(), 'Company 101 (Nordlys Interiør AS)'],
    [anna(), 'Contact 301 (Anna Berg, participant #1)'],
    [anna({ id: null }), 'Contact (Anna Berg, participant #1)'],
    [company({ id: null, name: null }), 'Company'],
    [products(), 'Products of Sale 2001'],
    [products({ id: null }), 'Products'],
  ])('%#: %s', (resource, text) => {
    expect(describeResource(resource)).toBe(text);
  });
});
