import type { OneflowSeedInput } from './seed-document';

/**
 * The demo account (docs/decisions.md, "Demo data"): contract 9001 links to SuperOffice
 * Sale 2001 and Company 101 and waits for signatures; 9002 is a draft of the same deal that
 * was never sent, so a sync for it must stop at the "is it signed?" check.
 */
export const DEMO_ONEFLOW_TOKEN = 'demo-oneflow-token-000000000000000000000';
export const DEMO_ONEFLOW_USER_EMAIL = 'sofie@oursales.example';
export const DEMO_WEBHOOK_SIGN_KEY = 'demo-sign-key';
export const DEMO_CONTRACT_ID = 9001;
export const DEMO_DRAFT_CONTRACT_ID = 9002;

const ownerParty = {
  type: 'company' as const,
  name: 'Our Sales AB',
  country_code: 'SE',
  my_party: true,
  participants: [
    { name: 'Sofie Seller', email: 'sofie@oursales.example', title: 'Account executive', signatory: true },
  ],
};

const nordlysParty = {
  type: 'company' as const,
  name: 'Nordlys Interiør AS',
  identification_number: '987654321',
  country_code: 'NO',
  participants: [
    {
      name: 'Anna Berg',
      email: 'anna.berg@nordlys.example',
      title: 'Head of Purchasing',
      phone_number: '+4791234567',
      signatory: true,
    },
    { name: 'Jonas Dahl', email: 'jonas.dahl@nordlys.example', title: 'Office manager', signatory: true },
  ],
};

/**
 * The demo contract's product table after a negotiation (`npm run demo` puts it in before
 * signing, so that smartSync.addProducts and removeProducts have work): the desk lamps were
 * dropped, monitor arms from the SuperOffice catalog and an assembly service without a
 * product key were added.
 */
export const DEMO_NEGOTIATED_PRODUCTS = [
  {
    custom_id: 'DESK-01',
    name: 'Standing desk',
    quantity: 12,
    price_1: { base: 4500, discount_percent: 10 },
  },
  { custom_id: 'CHAIR-02', name: 'Ergonomic chair', quantity: 12, price_1: { base: 2200 } },
  { custom_id: 'ARM-04', name: 'Monitor arm', quantity: 6, price_1: { base: 900, discount_percent: 5 } },
  { name: 'Assembly service', quantity: 1, price_1: { base: 3500 } },
];

export const oneflowDemoSeed: OneflowSeedInput = {
  tokens: [DEMO_ONEFLOW_TOKEN],
  webhook: { signKey: DEMO_WEBHOOK_SIGN_KEY },
  contracts: [
    {
      id: DEMO_CONTRACT_ID,
      name: 'Office furniture – Nordlys Interiør',
      state: 'pending',
      currency: 'NOK',
      created_time: '2026-03-02T09:00:00+0000',
      published_time: '2026-03-02T09:30:00+0000',
      data_fields: [
        { custom_id: 'superoffice_sale_id', name: 'SuperOffice sale ID', value: '2001' },
        { custom_id: 'superoffice_company_id', name: 'SuperOffice company ID', value: '101' },
        { custom_id: 'po_number', name: 'PO number', value: 'PO-2026-0042' },
        { custom_id: 'delivery_date', name: 'Delivery date', value: '2026-12-15' },
        { custom_id: 'delivery_method', name: 'Delivery method', value: 'Freight' },
        { custom_id: 'org_number', name: 'Organisation number', value: '987654321' },
        { custom_id: 'framework_agreement', name: 'Framework agreement', value: '1' },
        { custom_id: 'p2_shoe_size', name: 'Shoe size (participant 2)', value: '43' },
        { custom_id: 'customer_reference', name: 'Customer reference', value: 'Nordlys ref 17' },
      ],
      parties: [ownerParty, nordlysParty],
      product_groups: [
        {
          name: 'Products',
          products: [
            // 4500 less 10 % = 4050.00 per unit.
            {
              custom_id: 'DESK-01',
              name: 'Standing desk',
              quantity: 12,
              price_1: { base: 4500, discount_percent: 10 },
            },
            { custom_id: 'CHAIR-02', name: 'Ergonomic chair', quantity: 12, price_1: { base: 2200 } },
            // 450 less 50 off each unit = 400.00 per unit.
            {
              custom_id: 'LAMP-03',
              name: 'Desk lamp',
              quantity: 8,
              price_1: { base: 450, discount_amount: 50 },
            },
          ],
        },
      ],
    },
    {
      id: DEMO_DRAFT_CONTRACT_ID,
      name: 'Office furniture – Nordlys Interiør (revised, draft)',
      state: 'draft',
      currency: 'NOK',
      created_time: '2026-03-05T13:00:00+0000',
      data_fields: [
        { custom_id: 'superoffice_sale_id', name: 'SuperOffice sale ID', value: '2001' },
        { custom_id: 'superoffice_company_id', name: 'SuperOffice company ID', value: '101' },
        { custom_id: 'po_number', name: 'PO number', value: 'PO-2026-0099' },
      ],
      parties: [ownerParty, nordlysParty],
      product_groups: [
        {
          name: 'Products',
          products: [
            {
              custom_id: 'DESK-01',
              name: 'Standing desk',
              quantity: 20,
              price_1: { base: 4500, discount_percent: 15 },
            },
          ],
        },
      ],
    },
  ],
};
