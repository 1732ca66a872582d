import { z } from 'zod';
import type {
  ContractState,
  OneflowApiContract,
  OneflowParticipant,
  OneflowPrice,
  OneflowProduct,
  SignState,
} from './contract-shape';
import { ONEFLOW_TIME_PATTERN, formatOneflowTime } from './oneflow-time';

/**
 * The seed document: a compact description of contracts that the emulator expands into
 * the full API shape (ids, timestamps, computed prices, sign states). Limits and rules
 * come from Oneflow's developer docs (developer.oneflow.com, pages cited as /docs/…) where they
 * state them; see README.md for an example.
 */

const oneflowTime = z
  .string()
  .regex(ONEFLOW_TIME_PATTERN, 'use Oneflow\'s datetime format, e.g. "2020-06-30T07:15:23+0000"');

/** Oneflow's OpenAPI spec gives the token `minLength: 40, maxLength: 40, pattern: ^[a-zA-Z0-9-]+$`. */
export const apiTokenSchema = z
  .string()
  .regex(/^[a-zA-Z0-9-]{40}$/, 'an API token is exactly 40 characters of letters, digits and "-"');

const priceSeedSchema = z
  .strictObject({
    /** base_amount: the unit price before discount. */
    base: z.number().nonnegative(),
    discount_percent: z.number().min(0).max(100).optional(),
    /** Absolute discount per unit, subtracted from `base`. */
    discount_amount: z.number().nonnegative().optional(),
  })
  // /docs/product-group: "discount_percent or discount_amount. One of them should be null or 0."
  .refine((p) => !(p.discount_percent && p.discount_amount), {
    message: 'only one of discount_percent and discount_amount may be set (the other must be 0 or absent)',
  })
  .refine((p) => (p.discount_amount ?? 0) <= p.base, { message: 'discount_amount cannot exceed base' });

const productSeedSchema = z
  .strictObject({
    id: z.number().int().positive().optional(),
    custom_id: z.string().min(1).nullable().default(null),
    name: z.string().min(1),
    description: z.string().default(''),
    counterparty_lock: z.boolean().default(false),
    quantity: z.number().nonnegative(),
    quantity_type: z.enum(['quantity', 'single_choice', 'multiple_choice']).default('quantity'),
    price_1: priceSeedSchema,
    price_2: priceSeedSchema.optional(),
  })
  // /docs/product: for single_choice/multiple_choice the quantity amount must be 0 or 1.
  .refine((p) => p.quantity_type === 'quantity' || p.quantity === 0 || p.quantity === 1, {
    message: 'a single_choice or multiple_choice product has quantity 0 or 1',
    path: ['quantity'],
  });

const productGroupSeedSchema = z.strictObject({
  id: z.number().int().positive().optional(),
  name: z.string().default('Products'),
  counterpart_edit: z.boolean().default(true),
  products: z.array(productSeedSchema).default([]),
});

const participantSeedSchema = z.strictObject({
  id: z.number().int().positive().optional(),
  name: z.string().min(1),
  email: z.string().nullable().default(null),
  phone_number: z.string().nullable().default(null),
  title: z.string().nullable().default(null),
  identification_number: z.string().nullable().default(null),
  signatory: z.boolean().default(true),
  organizer: z.boolean().default(false),
  /** Omitted: derived from the contract's state (signed → signatories signed, else undecided). */
  sign_state: z.enum(['undecided', 'signed', 'declined']).optional(),
  sign_method: z
    .enum(['standard_esign', 'sms', 'swedish_bankid', 'norwegian_bankid', 'danish_nemid', 'finnish_bankid'])
    .default('standard_esign'),
  delivery_channel: z.enum(['email', 'none', 'same_device', 'sms']).default('email'),
  two_step_authentication_method: z.enum(['email', 'sms', 'none']).default('none'),
});

const partySeedSchema = z.strictObject({
  id: z.number().int().positive().optional(),
  type: z.enum(['company', 'individual']).default('company'),
  name: z.string().min(1),
  identification_number: z.string().nullable().default(null),
  country_code: z.string().length(2).nullable().default(null),
  my_party: z.boolean().default(false),
  participants: z.array(participantSeedSchema).min(1, 'a party has at least one participant'),
});

const dataFieldSeedSchema = z.strictObject({
  id: z.number().int().positive().optional(),
  custom_id: z.string().min(1),
  /** Defaults to the custom_id. */
  name: z.string().optional(),
  description: z.string().default(''),
  placeholder: z.string().default(''),
  // /docs/data-field: "Text values are limited to 1024 characters."
  value: z.string().max(1024, 'a data field value is at most 1024 characters'),
});

export const contractSeedSchema = z
  .strictObject({
    id: z.number().int().positive(),
    name: z.string(),
    state: z.enum(['draft', 'pending', 'overdue', 'signed', 'declined']).default('pending'),
    currency: z.string().default('NOK'),
    workspace_id: z.number().int().positive().default(1),
    template_id: z.number().int().positive().default(1),
    template_type_id: z.number().int().positive().default(1),
    created_time: oneflowTime.optional(),
    published_time: oneflowTime.optional(),
    state_updated_time: oneflowTime.optional(),
    signing_period_expiry_time: oneflowTime.nullable().default(null),
    data_fields: z.array(dataFieldSeedSchema).default([]),
    parties: z.array(partySeedSchema).default([]),
    product_groups: z.array(productGroupSeedSchema).default([]),
  })
  .superRefine((c, ctx) => {
    // /docs/data-field: "Each custom_id must be unique within the same template type."
    const seen = new Set<string>();
    c.data_fields.forEach((f, i) => {
      if (seen.has(f.custom_id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['data_fields', i, 'custom_id'],
          message: `duplicate custom_id "${f.custom_id}"`,
        });
      }
      seen.add(f.custom_id);
    });
    // /docs/product-group: product custom_id "must be unique for each product in a contract".
    const productIds = new Set<string>();
    let products = 0;
    c.product_groups.forEach((g, gi) =>
      g.products.forEach((p, pi) => {
        products += 1;
        if (p.custom_id === null) return;
        if (productIds.has(p.custom_id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['product_groups', gi, 'products', pi, 'custom_id'],
            message: `duplicate product custom_id "${p.custom_id}"`,
          });
        }
        productIds.add(p.custom_id);
      }),
    );
    // /docs/product-group: "up to 150 products in total to all product groups in one contract".
    if (products > 150) {
      ctx.addIssue({
        code: 'custom',
        path: ['product_groups'],
        message: 'at most 150 products per contract',
      });
    }
    // /docs/participant: "at most 40 participants across all parties in one contract".
    const participants = c.parties.reduce((n, p) => n + p.participants.length, 0);
    if (participants > 40) {
      ctx.addIssue({ code: 'custom', path: ['parties'], message: 'at most 40 participants per contract' });
    }
    if (c.parties.filter((p) => p.my_party).length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['parties'],
        message: 'only one party can be my_party (the owner side)',
      });
    }
    if (c.state === 'draft' && c.published_time) {
      ctx.addIssue({ code: 'custom', path: ['published_time'], message: 'a draft has not been published' });
    }
  });

export const webhookSettingsSchema = z.strictObject({
  /** Where webhooks are POSTed; null stops deliveries. */
  url: z.url().nullable().optional(),
  /** The sign key entered with the webhook (optional in Oneflow). */
  signKey: z.string().nullable().optional(),
  /** Multiplies Oneflow's retry delays (1 s … 3600 s); 0.001 turns them into milliseconds. */
  retryScale: z.number().nonnegative().optional(),
  /** Per-attempt timeout; Oneflow does not document its own. */
  timeoutMs: z.number().int().positive().optional(),
});
export type WebhookSettingsInput = z.input<typeof webhookSettingsSchema>;

export const oneflowSeedSchema = z
  .strictObject({
    tokens: z.array(apiTokenSchema).default([]),
    webhook: webhookSettingsSchema.optional(),
    contracts: z.array(contractSeedSchema).default([]),
  })
  .superRefine((doc, ctx) => {
    const ids = new Set<number>();
    doc.contracts.forEach((c, i) => {
      if (ids.has(c.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['contracts', i, 'id'],
          message: `duplicate contract id ${c.id}`,
        });
      }
      ids.add(c.id);
    });
  });

export type OneflowSeedInput = z.input<typeof oneflowSeedSchema>;
export type OneflowSeed = z.output<typeof oneflowSeedSchema>;
export type ContractSeed = z.output<typeof contractSeedSchema>;
export type ContractSeedInput = z.input<typeof contractSeedSchema>;

/** Hands out ids for anything the seed leaves unnumbered. */
export class IdAllocator {
  constructor(private next = 100_001) {}
  take(explicit?: number): number {
    return explicit ?? this.next++;
  }
}

function money(n: number): string {
  return n.toFixed(2);
}

/**
 * /docs/product-group: `amount` is the "final price including discount. Calculated from the base
 * amount." Prices are per unit (quantity is separate), so a discount_amount is read as an
 * amount off each unit, and a discount_percent as a percentage of the base.
 */
export function priceFrom(seed: z.output<typeof priceSeedSchema> | undefined): OneflowPrice {
  const base = seed?.base ?? 0;
  const percent = seed?.discount_percent ?? 0;
  const off = seed?.discount_amount ?? 0;
  const final = Math.round((base - (base * percent) / 100 - off) * 100) / 100;
  return {
    amount: { amount: money(final) },
    base_amount: { amount: money(base) },
    discount_amount: { amount: money(off) },
    discount_percent: money(percent),
  };
}

function defaultSignState(state: ContractState, signatory: boolean): SignState {
  return state === 'signed' && signatory ? 'signed' : 'undecided';
}

export function expandContract(seed: ContractSeed, ids: IdAllocator, now: Date): OneflowApiContract {
  const created = seed.created_time ?? formatOneflowTime(now);
  const published = seed.state === 'draft' ? null : (seed.published_time ?? created);
  const stateUpdated = seed.state_updated_time ?? published ?? created;
  const stamps = { created_time: created, updated_time: stateUpdated };

  let declinedOne = false;
  const parties = seed.parties.map((party) => ({
    id: ids.take(party.id),
    type: party.type,
    name: party.name,
    identification_number: party.identification_number,
    country_code: party.country_code,
    my_party: party.my_party,
    _private_ownerside: { ...stamps },
    participants: party.participants.map((p): OneflowParticipant => {
      let signState = p.sign_state ?? defaultSignState(seed.state, p.signatory);
      // A declined contract was declined by someone: the first counterparty signatory.
      if (
        p.sign_state === undefined &&
        seed.state === 'declined' &&
        !party.my_party &&
        p.signatory &&
        !declinedOne
      ) {
        signState = 'declined';
        declinedOne = true;
      }
      return {
        id: ids.take(p.id),
        name: p.name,
        email: p.email,
        phone_number: p.phone_number,
        title: p.title,
        identification_number: p.identification_number,
        signatory: p.signatory,
        organizer: p.organizer,
        my_participant: party.my_party && p === party.participants[0],
        sign_state: signState,
        sign_state_updated_time: signState === 'undecided' ? null : stateUpdated,
        sign_method: p.sign_method,
        delivery_channel: p.delivery_channel,
        delivery_status: seed.state === 'draft' ? 'not_sent' : 'success',
        two_step_authentication_method: p.two_step_authentication_method,
        // Oneflow's roles: signatories and influencers may update, viewers may not.
        _permissions: { 'contract:update': p.signatory || p.organizer },
        _private_ownerside: { ...stamps, first_visited_time: null, last_visited_time: null, visits: 0 },
      };
    }),
  }));

  const productGroups = seed.product_groups.map((group) => ({
    id: ids.take(group.id),
    created_from: null,
    enabled_columns: ['name', 'description', 'price_1', 'count'],
    configuration: {
      columns: [
        { enabled: true, key: 'name', label: 'Product' },
        { enabled: true, key: 'description', label: 'Description' },
        { enabled: true, key: 'price_1', label: 'Price' },
        { enabled: false, key: 'price_2', label: 'Price 2' },
        { enabled: true, key: 'count', label: 'Quantity' },
      ],
      counterpart_edit: group.counterpart_edit,
      hide_price_summation: false,
      name: { enabled: true, label: group.name },
      price_affixes: { prefix: '', postfix: ` ${seed.currency}` },
      price_precision: 2,
      quantity_precision: 0,
    },
    _private_ownerside: { ...stamps },
    products: group.products.map((p): OneflowProduct => ({
      id: ids.take(p.id),
      name: p.name,
      description: p.description,
      counterparty_lock: p.counterparty_lock,
      price_1: priceFrom(p.price_1),
      price_2: priceFrom(p.price_2),
      quantity: { amount: p.quantity, type: p.quantity_type },
      _private_ownerside: { ...stamps, custom_id: p.custom_id },
    })),
  }));

  // The contract value is what the product table sums to (price_1 final amount × quantity).
  const value = productGroups
    .flatMap((g) => g.products)
    .reduce((sum, p) => sum + Number(p.price_1.amount.amount) * p.quantity.amount, 0);

  return {
    id: seed.id,
    state: seed.state,
    state_updated_time: stateUpdated,
    published_time: published,
    updated_time: stateUpdated,
    signing_period_expiry_time: seed.signing_period_expiry_time,
    _private: {
      name: seed.name,
      value: { amount: money(value), currency: seed.currency },
      workspace_id: seed.workspace_id,
    },
    _private_ownerside: {
      created_time: created,
      template_id: seed.template_id,
      template_type_id: seed.template_type_id,
    },
    _permissions: { 'contract:delete': true },
    data_fields: seed.data_fields.map((f) => ({
      id: ids.take(f.id),
      name: f.name ?? f.custom_id,
      description: f.description,
      placeholder: f.placeholder,
      value: f.value,
      _private_ownerside: { custom_id: f.custom_id, ...stamps },
    })),
    parties,
    product_groups: productGroups,
  };
}
