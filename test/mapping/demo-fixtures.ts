/**
 * The demo data of docs/decisions.md as plain data, shared by the mapping, catalog and
 * conversion tests. Built fresh by each function so a test cannot leak changes into another.
 */
import type { MappingDocument } from '../../src/config/mapping-document';
import type { PropertyCatalogInput } from '../../src/superoffice/field-catalog';
import type { OneflowContractInput } from '../../src/mapping/contract-facts';
import type { QuoteLineSnapshot } from '../../src/mapping/quote-matching';

export function demoCatalogInput(): PropertyCatalogInput {
  return {
    Sale: {
      customFields: [
        {
          FieldName: 'SuperOffice:1',
          FieldType: 'ShortText',
          DisplayName: 'Customer reference',
          IsReadOnly: false,
        },
        { FieldName: 'SuperOffice:2', FieldType: 'Date', DisplayName: 'Delivery date', IsReadOnly: false },
        {
          FieldName: 'SuperOffice:3',
          FieldType: 'MdoList',
          DisplayName: 'Delivery method',
          IsReadOnly: false,
        },
        {
          FieldName: 'SuperOffice:5',
          FieldType: 'Decimal',
          DisplayName: 'Negotiated margin',
          IsReadOnly: false,
        },
        { FieldName: 'SuperOffice:6', FieldType: 'Integer', DisplayName: 'Legacy score', IsReadOnly: true },
      ],
      udefs: [
        { ProgId: 'SuperOffice:1', FieldType: 'ShortText', FieldLabel: 'Customer reference', TextLength: 40 },
        { ProgId: 'SuperOffice:2', FieldType: 'Date', FieldLabel: 'Delivery date' },
        {
          ProgId: 'SuperOffice:3',
          FieldType: 'List',
          FieldLabel: 'Delivery method',
          MdoListName: 'udlist12',
        },
        { ProgId: 'SuperOffice:5', FieldType: 'Decimal', FieldLabel: 'Negotiated margin' },
        { ProgId: 'SuperOffice:6', FieldType: 'Number', FieldLabel: 'Legacy score', IsReadOnly: true },
      ],
      lists: {
        udlist12: [
          { Id: 1, Name: 'Courier' },
          { Id: 2, Name: 'Pick-up' },
          { Id: 3, Name: 'Freight' },
        ],
      },
    },
    Company: {
      customFields: [
        { FieldName: 'SuperOffice:1', FieldType: 'Checkbox', DisplayName: 'Framework agreement' },
        { FieldName: 'SuperOffice:2', FieldType: 'ShortText', DisplayName: 'Customer segment' },
        { FieldName: 'x_invoice_email', FieldType: 'ShortText', DisplayName: 'Invoice email' },
      ],
      udefs: [
        { ProgId: 'SuperOffice:1', FieldType: 'Checkbox', FieldLabel: 'Framework agreement' },
        { ProgId: 'SuperOffice:2', FieldType: 'ShortText', FieldLabel: 'Customer segment', TextLength: 40 },
      ],
      lists: {},
    },
    Contact: {
      customFields: [
        { FieldName: 'SuperOffice:4', FieldType: 'Integer', DisplayName: 'Shoe size' },
        { FieldName: 'SuperOffice:5', FieldType: 'ShortText', DisplayName: 'Preferred language' },
      ],
      udefs: [
        { ProgId: 'SuperOffice:4', FieldType: 'Number', FieldLabel: 'Shoe size' },
        { ProgId: 'SuperOffice:5', FieldType: 'ShortText', FieldLabel: 'Preferred language', TextLength: 40 },
      ],
      lists: {},
    },
  };
}

/** The example mapping document: standard and custom fields, a participant's attribute and data field. */
export function exampleDocument(): MappingDocument {
  return {
    smartSync: { dataFields: true, products: true },
    links: { sale: 'superoffice_sale_id', company: 'superoffice_company_id' },
    mappings: [
      { object: 'Sale', property: 'Number', dataField: 'po_number' },
      { object: 'Sale', property: 'SuperOffice:2', dataField: 'delivery_date' },
      { object: 'Company', property: 'OrgNr', dataField: 'org_number' },
      { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
      { object: 'Contact', property: 'SuperOffice:4', participant: 2, dataField: 'p2_shoe_size' },
    ],
  };
}

/** Contract 9001 as GET /v1/contracts/9001 returns it (amounts as strings, as the connector types them). */
export function demoContract(): OneflowContractInput {
  return {
    id: 9001,
    state: 'signed',
    data_fields: [
      ['superoffice_sale_id', '2001'],
      ['superoffice_company_id', '101'],
      ['po_number', 'PO-2026-0042'],
      ['delivery_date', '2026-12-15'],
      ['delivery_method', 'Freight'],
      ['org_number', '987654321'],
      ['framework_agreement', '1'],
      ['p2_shoe_size', '43'],
      ['customer_reference', 'Nordlys ref 17'],
    ].map(([customId, value], i) => ({ id: 500 + i, value, _private_ownerside: { custom_id: customId } })),
    parties: [
      {
        my_party: true,
        name: 'Our Sales AB',
        participants: [
          {
            name: 'Sofie Seller',
            email: 'sofie@oursales.example',
            title: 'Account manager',
            signatory: true,
          },
        ],
      },
      {
        my_party: false,
        name: 'Nordlys Interiør AS',
        participants: [
          {
            name: 'Anna Berg',
            email: 'anna.berg@nordlys.example',
            title: 'Head of Purchasing',
            phone_number: '+4791234567',
            signatory: true,
            sign_state: 'signed',
          },
          {
            name: 'Jonas Dahl',
            email: 'jonas.dahl@nordlys.example',
            title: 'Office manager',
            phone_number: null,
            signatory: true,
            sign_state: 'signed',
          },
        ],
      },
    ],
    product_groups: [
      {
        products: [
          {
            id: 801,
            name: 'Standing desk',
            price_1: {
              base_amount: { amount: '4500.00' },
              amount: { amount: '4050.00' },
              discount_amount: { amount: '0.00' },
              discount_percent: '10.00',
            },
            quantity: { amount: 12, type: 'quantity' },
            _private_ownerside: { custom_id: 'DESK-01' },
          },
          {
            id: 802,
            name: 'Ergonomic chair',
            price_1: {
              base_amount: { amount: '2200.00' },
              amount: { amount: '2200.00' },
              discount_amount: { amount: '0.00' },
              discount_percent: '0.00',
            },
            quantity: { amount: 12, type: 'quantity' },
            _private_ownerside: { custom_id: 'CHAIR-02' },
          },
          {
            id: 803,
            name: 'Desk lamp',
            price_1: {
              base_amount: { amount: '450.00' },
              amount: { amount: '400.00' },
              discount_amount: { amount: '50.00' },
              discount_percent: '0.00',
            },
            quantity: { amount: 8, type: 'quantity' },
            _private_ownerside: { custom_id: 'LAMP-03' },
          },
        ],
      },
    ],
  };
}

/** Quote lines 7301–7303 of QuoteAlternative 7201 (no discounts). */
export function demoQuoteLines(): QuoteLineSnapshot[] {
  return [
    {
      QuoteLineId: 7301,
      ERPProductKey: 'DESK-01',
      Name: 'Standing desk',
      Quantity: 10,
      UnitListPrice: 4500,
      DiscountPercent: 0,
      DiscountAmount: 0,
    },
    {
      QuoteLineId: 7302,
      ERPProductKey: 'CHAIR-02',
      Name: 'Ergonomic chair',
      Quantity: 10,
      UnitListPrice: 2200,
      DiscountPercent: 0,
      DiscountAmount: 0,
    },
    {
      QuoteLineId: 7303,
      ERPProductKey: 'LAMP-03',
      Name: 'Desk lamp',
      Quantity: 10,
      UnitListPrice: 450,
      DiscountPercent: 0,
      DiscountAmount: 0,
    },
  ];
}
