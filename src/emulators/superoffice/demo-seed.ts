import {
  calculateAlternative,
  calculateLine,
  type AlternativeFigures,
  type LineFigures,
} from './quote-arithmetic';
import type { SuperOfficeSeed } from './seed-schema';

/**
 * The demo data set (docs/decisions.md "Demo data"): the ids, names and custom fields the
 * Oneflow demo contract and the demo mapping refer to. The quote's totals are computed with
 * the emulator's own arithmetic, so that the Sale's Amount equals the likely alternative's total.
 */

export const DEMO_SUPEROFFICE_CONTEXT_ID = 'Cust12345';
export const DEMO_SUPEROFFICE_TOKEN = '8A:Cust12345.demo-access-token';
/** A system-user ticket for the demo, sent with SO-AppToken DEMO_SUPEROFFICE_APP_TOKEN. */
export const DEMO_SUPEROFFICE_TICKET = '7T:Cust12345.demo-system-user-ticket';
export const DEMO_SUPEROFFICE_APP_TOKEN = 'demo-app-token';
/** UDListDefinitionId of the Sale's "Delivery method" list (MDO list "udlist41"). */
export const DEMO_DELIVERY_METHOD_LIST_ID = 41;

const SELLER = 5;
const CREATED = '2026-11-02T09:00:00Z';
const UPDATED = '2026-11-20T14:30:00Z';

const PRODUCTS = [
  { ERPProductKey: 'DESK-01', Name: 'Standing desk', UnitListPrice: 4500, QuoteLineId: 7301 },
  { ERPProductKey: 'CHAIR-02', Name: 'Ergonomic chair', UnitListPrice: 2200, QuoteLineId: 7302 },
  { ERPProductKey: 'LAMP-03', Name: 'Desk lamp', UnitListPrice: 450, QuoteLineId: 7303 },
];
const VAT_PERCENT = 25;

function zeroLine(quantity: number, unitListPrice: number): LineFigures {
  return {
    Quantity: quantity,
    UnitListPrice: unitListPrice,
    UnitCost: 0,
    VAT: VAT_PERCENT,
    ERPDiscountPercent: 0,
    ERPDiscountAmount: 0,
    DiscountPercent: 0,
    DiscountAmount: 0,
    UserValueOverride: 'None',
    EarningPercent: 0,
    EarningAmount: 0,
    SubTotal: 0,
    TotalPrice: 0,
  };
}

const lines = PRODUCTS.map((p, index) => ({
  QuoteLineId: p.QuoteLineId,
  ERPProductKey: p.ERPProductKey,
  Status: 'Ok',
  Rank: index + 1,
  Name: p.Name,
  Code: p.ERPProductKey,
  QuantityUnit: 'pcs',
  PriceUnit: 'pcs',
  ...calculateLine(zeroLine(10, p.UnitListPrice)),
}));

const alternativeStart: AlternativeFigures = {
  ERPDiscountPercent: 0,
  ERPDiscountAmount: 0,
  DiscountPercent: 0,
  DiscountAmount: 0,
  UserValueOverride: 'None',
  EarningPercent: 0,
  EarningAmount: 0,
  SubTotal: 0,
  TotalPrice: 0,
  VAT: 0,
};
const alternative = calculateAlternative(alternativeStart, lines);

export const superofficeDemoSeed: SuperOfficeSeed = {
  tokens: [{ token: DEMO_SUPEROFFICE_TOKEN, associateId: SELLER }],
  tickets: [{ ticket: DEMO_SUPEROFFICE_TICKET, appToken: DEMO_SUPEROFFICE_APP_TOKEN, associateId: SELLER }],
  associates: [
    {
      AssociateId: SELLER,
      Name: 'SOFIE',
      FullName: 'Sofie Seller',
      FormalName: 'Sofie Seller',
      Tooltip: 'Sofie Seller',
      Type: 'InternalAssociate',
      // SuperOffice Online users sign in with their e-mail address.
      UserName: 'sofie@oursales.example',
    },
  ],
  lists: [
    {
      id: DEMO_DELIVERY_METHOD_LIST_ID,
      name: 'Delivery method',
      items: [
        { id: 1, name: 'Courier' },
        { id: 2, name: 'Pick-up' },
        { id: 3, name: 'Freight' },
      ],
    },
  ],
  customFields: {
    Sale: [
      { fieldName: 'SuperOffice:1', label: 'Customer reference', type: 'ShortText', textLength: 40 },
      { fieldName: 'SuperOffice:2', label: 'Delivery date', type: 'Date' },
      {
        fieldName: 'SuperOffice:3',
        label: 'Delivery method',
        type: 'List',
        listId: DEMO_DELIVERY_METHOD_LIST_ID,
      },
      { fieldName: 'SuperOffice:5', label: 'Negotiated margin', type: 'Decimal' },
      { fieldName: 'SuperOffice:6', label: 'Legacy score', type: 'Number', isReadOnly: true },
    ],
    Contact: [
      { fieldName: 'SuperOffice:1', label: 'Framework agreement', type: 'Checkbox' },
      { fieldName: 'SuperOffice:2', label: 'Customer segment', type: 'ShortText', textLength: 40 },
      { fieldName: 'x_invoice_email', label: 'Invoice email', type: 'ShortText', textLength: 254 },
    ],
    Person: [
      { fieldName: 'SuperOffice:4', label: 'Shoe size', type: 'Number' },
      { fieldName: 'SuperOffice:5', label: 'Preferred language', type: 'ShortText', textLength: 40 },
    ],
    Appointment: [],
  },
  companies: [
    {
      ContactId: 101,
      Name: 'Nordlys Interiør AS',
      OrgNr: '',
      Associate: { AssociateId: SELLER },
      CreatedDate: CREATED,
      UpdatedDate: UPDATED,
      CreatedBy: { AssociateId: SELLER },
      UpdatedBy: { AssociateId: SELLER },
    },
    {
      ContactId: 102,
      Name: 'Fjord Logistics AS',
      OrgNr: '',
      Associate: { AssociateId: SELLER },
      CreatedDate: CREATED,
      UpdatedDate: UPDATED,
      CreatedBy: { AssociateId: SELLER },
      UpdatedBy: { AssociateId: SELLER },
    },
  ],
  persons: [
    {
      PersonId: 301,
      Firstname: 'Anna',
      Lastname: 'Berg',
      Title: 'Purchasing manager',
      Emails: [{ Value: 'anna.berg@nordlys.example' }],
      Contact: { ContactId: 101 },
      Associate: { AssociateId: SELLER },
      CreatedDate: CREATED,
      UpdatedDate: UPDATED,
    },
    {
      PersonId: 302,
      Firstname: 'Jonas',
      Lastname: 'Dahl',
      Title: '',
      Emails: [{ Value: 'jonas.dahl@nordlys.example' }],
      Contact: { ContactId: 101 },
      Associate: { AssociateId: SELLER },
      CreatedDate: CREATED,
      UpdatedDate: UPDATED,
    },
    {
      PersonId: 303,
      Firstname: 'Maria',
      Lastname: 'Lund',
      Title: '',
      Emails: [{ Value: 'maria.lund@fjord.example' }],
      Contact: { ContactId: 102 },
      Associate: { AssociateId: SELLER },
      CreatedDate: CREATED,
      UpdatedDate: UPDATED,
    },
  ],
  sales: [
    {
      SaleId: 2001,
      Heading: 'Office furniture for Nordlys',
      Contact: { ContactId: 101 },
      Person: { PersonId: 301 },
      Associate: { AssociateId: SELLER },
      Status: 'Open',
      Number: '',
      Saledate: '2026-12-31T00:00:00',
      Probability: 50,
      Amount: alternative.TotalPrice,
      Earning: alternative.EarningAmount,
      EarningPercent: alternative.EarningPercent,
      CustomFields: { 'SuperOffice:6': '[I:7]' },
      CreatedDate: CREATED,
      UpdatedDate: UPDATED,
      CreatedBy: { AssociateId: SELLER },
      UpdatedBy: { AssociateId: SELLER },
    },
  ],
  appointments: [],
  products: [
    ...PRODUCTS,
    // In the catalog but on no quote: what smartSync.addProducts adds when a contract has it.
    { ERPProductKey: 'ARM-04', Name: 'Monitor arm', UnitListPrice: 950 },
  ].map((p) => ({
    ERPProductKey: p.ERPProductKey,
    Name: p.Name,
    Code: p.ERPProductKey,
    QuantityUnit: 'pcs',
    PriceUnit: 'pcs',
    VAT: VAT_PERCENT,
    UnitListPrice: p.UnitListPrice,
    InAssortment: true,
  })),
  quotes: [
    {
      QuoteId: 7001,
      SaleId: 2001,
      QuoteConnectionId: 1,
      ActiveQuoteVersionId: 7101,
      UseValuesFromQuote: 1,
      versions: [
        {
          QuoteVersionId: 7101,
          Number: '1',
          State: 'Draft',
          ArchivedState: 'Draft',
          Status: 'Ok',
          LikelyQuoteAlternativeId: 7201,
          Rank: 1,
          Registered: CREATED,
          RegisteredAssociateId: SELLER,
          Updated: UPDATED,
          UpdatedAssociateId: SELLER,
          alternatives: [{ QuoteAlternativeId: 7201, Name: 'Standard', Status: 'Ok', ...alternative, lines }],
        },
      ],
    },
  ],
};
