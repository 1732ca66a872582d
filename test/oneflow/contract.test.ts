import { dataFieldCustomId, oneflowContractSchema, productCustomId } from '../../src/oneflow/contract';

/** A contract as sparse as Oneflow might plausibly send: nulls, numbers, and unknown attributes. */
const sparse = {
  id: 5,
  state: 'signed',
  state_updated_time: '2026-01-02T03:04:05+0000',
  brand_new_attribute: { anything: [1, 2] },
  _private: { name: 'Sparse', value: null, workspace_id: 3 },
  data_fields: [
    { id: 1, name: 'A', value: null, _private_ownerside: { custom_id: 'a' } },
    { id: 2, name: 'B', value: 1, custom_id: 'b' },
    { id: 3, value: true, _private_ownerside: null },
  ],
  parties: [
    {
      id: 10,
      type: 'individual',
      name: null,
      my_party: false,
      participants: [{ id: 11, name: 'Kim', email: null, sign_state: 'signed', future_flag: 'x' }],
    },
  ],
  product_groups: [
    {
      id: 20,
      products: [
        {
          id: 21,
          name: 'Thing',
          price_1: {
            amount: { amount: 90 },
            base_amount: { amount: '100.5' },
            discount_amount: null,
            discount_percent: null,
          },
          quantity: { amount: '3', type: 'quantity' },
          _private_ownerside: { custom_id: 'T-1' },
        },
        { id: 22, name: 'Bare', quantity: { amount: 1 } },
      ],
    },
  ],
};

describe('oneflowContractSchema', () => {
  it('parses a sparse contract: absent text becomes null, money is kept as sent', () => {
    const c = oneflowContractSchema.parse(sparse);
    expect(c.published_time).toBeNull();
    expect(c._private?.name).toBe('Sparse');
    expect(c.data_fields.map((f) => [dataFieldCustomId(f), f.value])).toEqual([
      ['a', null],
      ['b', '1'],
      [null, '1'],
    ]);
    const kim = c.parties[0]!.participants[0]!;
    expect(kim).toMatchObject({
      name: 'Kim',
      email: null,
      title: null,
      phone_number: null,
      signatory: false,
    });
    const [thing, bare] = c.product_groups[0]!.products;
    expect(productCustomId(thing!)).toBe('T-1');
    expect(thing!.price_1).toEqual({
      amount: { amount: 90 },
      base_amount: { amount: '100.5' },
      discount_amount: null,
      discount_percent: null,
    });
    expect(thing!.quantity.amount).toBe('3');
    expect(bare!.price_1).toBeNull();
    expect(productCustomId(bare!)).toBeNull();
  });

  it('defaults absent lists to empty ones', () => {
    const c = oneflowContractSchema.parse({ id: 1, state: 'draft' });
    expect(c.data_fields).toEqual([]);
    expect(c.parties).toEqual([]);
    expect(c.product_groups).toEqual([]);
  });

  it('keeps attributes it does not know', () => {
    expect(oneflowContractSchema.parse(sparse)).toHaveProperty('brand_new_attribute', { anything: [1, 2] });
  });

  it.each([
    ['an unknown state', { ...sparse, state: 'archived' }],
    ['an id that is not an integer', { ...sparse, id: '5' }],
    ['a party without my_party', { ...sparse, parties: [{ id: 1, type: 'company', participants: [] }] }],
    [
      'a price that is neither text nor a number',
      {
        ...sparse,
        product_groups: [
          { id: 1, products: [{ id: 2, price_1: { amount: { amount: [10] } }, quantity: { amount: 1 } }] },
        ],
      },
    ],
    [
      'a participant without sign_state',
      { ...sparse, parties: [{ id: 1, type: 'company', my_party: true, participants: [{ id: 2 }] }] },
    ],
  ])('rejects %s, since Smart Sync relies on it', (_label, body) => {
    expect(oneflowContractSchema.safeParse(body).success).toBe(false);
  });
});
