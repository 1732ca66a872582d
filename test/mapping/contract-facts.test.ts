import { dataFieldOf, toContractFacts, type OneflowContractInput } from '../../src/mapping/contract-facts';
import type { OneflowContract } from '../../src/oneflow/contract';
import { demoContract } from './demo-fixtures';
import type { ContractFacts } from '../../src/workflow-contract';

// The Oneflow client's parsed contract must be accepted as it is.
const _acceptsClientContract: (contract: OneflowContract) => ContractFacts = toContractFacts;

describe('toContractFacts with the demo contract 9001', () => {
  const facts = toContractFacts(demoContract());

  it('reads id, state and data fields by custom_id', () => {
    expect(facts.contractId).toBe(9001);
    expect(facts.state).toBe('signed');
    expect(facts.dataFields).toEqual({
      superoffice_sale_id: '2001',
      superoffice_company_id: '101',
      po_number: 'PO-2026-0042',
      delivery_date: '2026-12-15',
      delivery_method: 'Freight',
      org_number: '987654321',
      framework_agreement: '1',
      p2_shoe_size: '43',
      customer_reference: 'Nordlys ref 17',
    });
  });

  it('numbers the counterparty participants, leaving our own party out', () => {
    expect(facts.counterpartyParticipants).toEqual([
      {
        number: 1,
        name: 'Anna Berg',
        email: 'anna.berg@nordlys.example',
        phoneNumber: '+4791234567',
        title: 'Head of Purchasing',
        partyName: 'Nordlys Interiør AS',
        signatory: true,
        signState: 'signed',
      },
      {
        number: 2,
        name: 'Jonas Dahl',
        email: 'jonas.dahl@nordlys.example',
        phoneNumber: null,
        title: 'Office manager',
        partyName: 'Nordlys Interiør AS',
        signatory: true,
        signState: 'signed',
      },
    ]);
  });

  it('reads products with string amounts: unit price, percent discount, per-unit amount discount', () => {
    expect(facts.products).toEqual([
      {
        oneflowProductId: '801',
        customId: 'DESK-01',
        name: 'Standing desk',
        quantity: 12,
        quantityType: 'quantity',
        unitListPrice: 4500,
        discountPercent: 10,
        discountAmountPerUnit: null,
        unitFinalPrice: 4050,
        problems: [],
      },
      {
        oneflowProductId: '802',
        customId: 'CHAIR-02',
        name: 'Ergonomic chair',
        quantity: 12,
        quantityType: 'quantity',
        unitListPrice: 2200,
        discountPercent: null,
        discountAmountPerUnit: null,
        unitFinalPrice: 2200,
        problems: [],
      },
      {
        oneflowProductId: '803',
        customId: 'LAMP-03',
        name: 'Desk lamp',
        quantity: 8,
        quantityType: 'quantity',
        unitListPrice: 450,
        discountPercent: null,
        discountAmountPerUnit: 50,
        unitFinalPrice: 400,
        problems: [],
      },
    ]);
  });

  it('is plain JSON: it survives a round trip through JSON, as between Temporal activities', () => {
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
  });
});

describe('toContractFacts details', () => {
  it('numbers participants across several counterparty parties in API order, skipping my_party wherever it is', () => {
    const contract: OneflowContractInput = {
      id: '42',
      parties: [
        {
          my_party: false,
          name: 'Buyer AS',
          participants: [
            { name: 'A', email: 'a@x' },
            { name: 'B', email: 'b@x' },
          ],
        },
        { my_party: true, name: 'Us', participants: [{ name: 'Seller', email: 's@us' }] },
        { my_party: false, name: 'Guarantor AB', participants: [{ name: 'C', email: 'c@y' }] },
        { name: 'Individual', participants: [{ name: 'D', email: null }] },
        { my_party: false, name: 'Empty party', participants: null },
      ],
    };
    const facts = toContractFacts(contract);
    expect(facts.contractId).toBe(42);
    expect(facts.counterpartyParticipants.map((p) => [p.number, p.name, p.partyName, p.email])).toEqual([
      [1, 'A', 'Buyer AS', 'a@x'],
      [2, 'B', 'Buyer AS', 'b@x'],
      [3, 'C', 'Guarantor AB', 'c@y'],
      [4, 'D', 'Individual', null],
    ]);
  });

  it('takes custom_id from _private_ownerside first, then the top level; ignores fields without one; first wins', () => {
    const facts = toContractFacts({
      id: 1,
      data_fields: [
        { value: 'inner', custom_id: 'outer_id', _private_ownerside: { custom_id: 'inner_id' } },
        { value: 'top', custom_id: 'top_id' },
        { value: 'nameless' },
        { value: 'second', _private_ownerside: { custom_id: 'top_id' } },
        { value: null, _private_ownerside: { custom_id: 'unset' } },
        { value: 43, _private_ownerside: { custom_id: 'number' } },
        { value: true, _private_ownerside: { custom_id: 'checkbox' } },
        { value: 'proto', _private_ownerside: { custom_id: '__proto__' } },
      ],
    });
    expect(facts.dataFields).toEqual({
      inner_id: 'inner',
      top_id: 'top',
      unset: null,
      number: '43',
      checkbox: '1',
      ['__proto__']: 'proto',
    });
    expect(Object.getPrototypeOf(facts.dataFields)).toBe(Object.prototype);
    expect(dataFieldOf(facts, '__proto__')).toEqual({ found: true, value: 'proto' });
    expect(dataFieldOf(facts, 'constructor')).toEqual({ found: false, value: null });
    expect(dataFieldOf(facts, 'unset')).toEqual({ found: true, value: null });
  });

  it('accepts amounts as numbers and strings, across product groups', () => {
    const facts = toContractFacts({
      id: 1,
      product_groups: [
        {
          products: [
            {
              id: 1,
              name: 'Numbers',
              price_1: {
                base_amount: { amount: 99.5 },
                discount_percent: 12.5,
                discount_amount: { amount: 0 },
              },
              quantity: { amount: 3, type: 'quantity' },
              custom_id: 'TOP-LEVEL',
            },
          ],
        },
        {
          products: [
            {
              id: 2,
              name: 'Strings',
              price_1: {
                base_amount: { amount: '1000.00' },
                discount_amount: { amount: '2.50' },
                discount_percent: null,
              },
              quantity: { amount: '2.5', type: 'quantity' },
            },
          ],
        },
      ],
    });
    expect(
      facts.products.map((p) => [
        p.name,
        p.customId,
        p.quantity,
        p.unitListPrice,
        p.discountPercent,
        p.discountAmountPerUnit,
      ]),
    ).toEqual([
      ['Numbers', 'TOP-LEVEL', 3, 99.5, 12.5, null],
      ['Strings', null, 2.5, 1000, null, 2.5],
    ]);
  });

  it('reports unreadable, missing and conflicting values per product instead of guessing', () => {
    const facts = toContractFacts({
      id: 1,
      product_groups: [
        {
          products: [
            {
              id: 1,
              name: 'Bad quantity',
              price_1: { base_amount: { amount: '10' } },
              quantity: { amount: 'ten' },
            },
            { id: 2, name: 'No price', quantity: { amount: 1 } },
            {
              id: 3,
              name: 'Both discounts',
              price_1: {
                base_amount: { amount: '10' },
                discount_percent: '5',
                discount_amount: { amount: '1' },
              },
              quantity: { amount: 1 },
            },
            { name: null, price_1: { base_amount: { amount: '1,5' } }, quantity: { amount: 1 } },
          ],
        },
      ],
    });
    expect(facts.products.map((p) => [p.oneflowProductId, p.name, p.problems])).toEqual([
      ['1', 'Bad quantity', ['its quantity "ten" is not a number']],
      ['2', 'No price', ['it has no unit price']],
      [
        '3',
        'Both discounts',
        ['it has both a discount percent (5) and a discount amount (1); Oneflow allows only one'],
      ],
      ['1.4', 'product 1.4', ['its unit price "1,5" is not a number']],
    ]);
  });

  it('copes with a contract that has none of the lists', () => {
    expect(toContractFacts({ id: 7 })).toEqual({
      contractId: 7,
      state: null,
      dataFields: {},
      counterpartyParticipants: [],
      products: [],
    });
  });
});
