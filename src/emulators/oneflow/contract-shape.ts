/**
 * The contract as GET /v1/contracts/{id} answers it, with the attributes listed by
 * developer.oneflow.com/docs/contract and the certified Power Platform connector's
 * `Contract`, `Party` and `Participant` definitions. Attributes Smart Sync
 * never needs (`_links`, `available_options`, `lifecycle_*`, file groups) are left out.
 *
 * Money and percentages are strings with two decimals ("4050.00", "10.00"): the connector
 * types price_1/price_2 `amount`, `base_amount`, `discount_amount` and `discount_percent`,
 * and `_private.value.amount`, as `string`. Quantities are numbers (the connector says
 * integer).
 */
export type ContractState = 'draft' | 'pending' | 'overdue' | 'signed' | 'declined';
export type SignState = 'undecided' | 'signed' | 'declined';

export interface OneflowMoney {
  amount: string;
}

export interface OneflowPrice {
  /** Final unit price after the discount ("Calculated from the base amount"). */
  amount: OneflowMoney;
  base_amount: OneflowMoney;
  /** Absolute discount per unit; "0.00" when the discount is a percentage. */
  discount_amount: OneflowMoney;
  /** "0.00" when the discount is an amount: only one of the two may be set. */
  discount_percent: string;
}

export interface OneflowProduct {
  id: number;
  name: string;
  description: string;
  counterparty_lock: boolean;
  price_1: OneflowPrice;
  price_2: OneflowPrice;
  quantity: { amount: number; type: 'quantity' | 'single_choice' | 'multiple_choice' };
  _private_ownerside: { created_time: string; updated_time: string; custom_id: string | null };
}

export interface OneflowProductGroup {
  id: number;
  created_from: null;
  enabled_columns: string[];
  configuration: {
    columns: Array<{ enabled: boolean; key: string; label: string }>;
    counterpart_edit: boolean;
    hide_price_summation: boolean;
    name: { enabled: boolean; label: string };
    price_affixes: { prefix: string; postfix: string };
    price_precision: number;
    quantity_precision: number;
  };
  products: OneflowProduct[];
  _private_ownerside: { created_time: string; updated_time: string };
}

export interface OneflowParticipant {
  id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  title: string | null;
  identification_number: string | null;
  signatory: boolean;
  organizer: boolean;
  my_participant: boolean;
  sign_state: SignState;
  sign_state_updated_time: string | null;
  sign_method: string;
  delivery_channel: string;
  delivery_status: string;
  two_step_authentication_method: string;
  _permissions: { 'contract:update': boolean };
  _private_ownerside: {
    created_time: string;
    updated_time: string;
    first_visited_time: string | null;
    last_visited_time: string | null;
    visits: number;
  };
}

export interface OneflowParty {
  id: number;
  type: 'company' | 'individual';
  name: string;
  identification_number: string | null;
  country_code: string | null;
  my_party: boolean;
  participants: OneflowParticipant[];
  _private_ownerside: { created_time: string; updated_time: string };
}

export interface OneflowDataField {
  id: number;
  name: string;
  description: string;
  placeholder: string;
  value: string;
  _private_ownerside: { custom_id: string; created_time: string; updated_time: string };
}

export interface OneflowApiContract {
  id: number;
  state: ContractState;
  state_updated_time: string;
  published_time: string | null;
  updated_time: string;
  signing_period_expiry_time: string | null;
  _private: { name: string; value: { amount: string; currency: string }; workspace_id: number };
  _private_ownerside: { created_time: string; template_id: number; template_type_id: number };
  _permissions: { 'contract:delete': boolean };
  data_fields: OneflowDataField[];
  parties: OneflowParty[];
  product_groups: OneflowProductGroup[];
}
