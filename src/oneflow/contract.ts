import { z } from 'zod';

/**
 * The contract as GET /v1/contracts/{id} returns it (developer.oneflow.com/docs/contract and
 * Oneflow's certified Power Platform connector).
 *
 * Only what Smart Sync reads is checked, and every object is loose, so attributes
 * Oneflow adds later never break parsing. Text that Oneflow may leave out or send as
 * null comes out as `string | null`; money and quantities keep the nested shape and the
 * values Oneflow sent (decimal strings such as "4050.00", or numbers).
 */

/** Absent, null or text: always `string | null` afterwards. */
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/**
 * A decimal as Oneflow sends it: the connector types money and discount percentages as
 * strings ("4050.00"); a number is accepted too. It is passed on as sent, not converted:
 * the mapping module reads it and reports an unreadable price against that one product
 * instead of failing the whole contract.
 */
const decimal = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => v ?? null);

/** `{amount}` wrapper of price_1/price_2 money values. */
const moneySchema = z
  .looseObject({ amount: decimal })
  .nullish()
  .transform((m) => m ?? null);

const priceSchema = z
  .looseObject({
    /** Final unit price after the discount ("calculated from the base amount"). */
    amount: moneySchema,
    /** Unit price before the discount. */
    base_amount: moneySchema,
    /** Absolute discount per unit; only one of the two discounts is set (the other is 0 or null). */
    discount_amount: moneySchema,
    /** 10 means 10 %. */
    discount_percent: decimal,
  })
  .nullish()
  .transform((p) => p ?? null);

export const ONEFLOW_CONTRACT_STATES = ['draft', 'pending', 'overdue', 'signed', 'declined'] as const;
export type OneflowContractState = (typeof ONEFLOW_CONTRACT_STATES)[number];

export const oneflowParticipantSchema = z.looseObject({
  id: z.number().int(),
  name: text,
  email: text,
  phone_number: text,
  title: text,
  identification_number: text,
  signatory: z.boolean().default(false),
  organizer: z.boolean().default(false),
  my_participant: z.boolean().default(false),
  sign_state: z.enum(['undecided', 'signed', 'declined']),
  sign_state_updated_time: text,
});

export const oneflowPartySchema = z.looseObject({
  id: z.number().int(),
  type: z.string(),
  name: text,
  identification_number: text,
  country_code: text,
  my_party: z.boolean(),
  participants: z.array(oneflowParticipantSchema).default([]),
});

export const oneflowDataFieldSchema = z.looseObject({
  id: z.number().int(),
  name: text,
  description: text,
  placeholder: text,
  /** Text as Oneflow stores it (checkboxes "0"/"1"); a number or boolean is turned into text. */
  value: z
    .union([z.string(), z.number(), z.boolean()])
    .nullish()
    .transform((v) =>
      v === null || v === undefined ? null : typeof v === 'boolean' ? (v ? '1' : '0') : String(v),
    ),
  /** Some payloads carry custom_id at the top level; see dataFieldCustomId. */
  custom_id: text,
  _private_ownerside: z
    .looseObject({ custom_id: text })
    .nullish()
    .transform((o) => o ?? null),
});

export const oneflowProductSchema = z.looseObject({
  id: z.number().int(),
  name: text,
  description: text,
  counterparty_lock: z.boolean().default(false),
  price_1: priceSchema,
  price_2: priceSchema,
  quantity: z.looseObject({ amount: decimal, type: text }),
  /** Not documented at the top level of a product; read as a fallback, as for data fields. */
  custom_id: text,
  _private_ownerside: z
    .looseObject({ custom_id: text })
    .nullish()
    .transform((o) => o ?? null),
});

export const oneflowProductGroupSchema = z.looseObject({
  id: z.number().int(),
  products: z.array(oneflowProductSchema).default([]),
});

export const oneflowContractSchema = z.looseObject({
  id: z.number().int(),
  state: z.enum(ONEFLOW_CONTRACT_STATES),
  state_updated_time: text,
  published_time: text,
  updated_time: text,
  /** Name and workspace sit under _private; there is no top-level name. */
  _private: z
    .looseObject({ name: text, workspace_id: z.number().int().nullish() })
    .nullish()
    .transform((p) => p ?? null),
  data_fields: z.array(oneflowDataFieldSchema).default([]),
  parties: z.array(oneflowPartySchema).default([]),
  product_groups: z.array(oneflowProductGroupSchema).default([]),
});

export type OneflowContract = z.output<typeof oneflowContractSchema>;
export type OneflowParty = z.output<typeof oneflowPartySchema>;
export type OneflowParticipant = z.output<typeof oneflowParticipantSchema>;
export type OneflowDataField = z.output<typeof oneflowDataFieldSchema>;
export type OneflowProduct = z.output<typeof oneflowProductSchema>;
export type OneflowPrice = NonNullable<OneflowProduct['price_1']>;

/**
 * A data field's custom_id. The contract response keeps it under _private_ownerside (as
 * Oneflow's Power Platform connector defines it); some integrations' payloads carry it at the
 * top level instead.
 */
export function dataFieldCustomId(field: OneflowDataField): string | null {
  return field._private_ownerside?.custom_id ?? field.custom_id ?? null;
}

/** A product's custom_id, the key Smart Sync matches against SuperOffice's ERPProductKey. */
export function productCustomId(product: OneflowProduct): string | null {
  return product._private_ownerside?.custom_id ?? product.custom_id ?? null;
}
