import type { ContractFacts, CounterpartyParticipant, ProductFact } from '../workflow-contract';

/**
 * The facts of a Oneflow contract that Smart Sync uses, pulled out of the contract JSON
 * (GET /v1/contracts/{id}) into plain,
 * JSON-serialisable data: it crosses Temporal activity boundaries.
 *
 * Reading of Oneflow's product prices (documented choice):
 * - `price_1.base_amount.amount` is the price of ONE unit before discount: the product table
 *   has a separate quantity, and `price_1.amount.amount` is "the final price including
 *   discount, calculated from the base amount", i.e. also per unit.
 * - hence `discount_amount.amount` is a discount per unit (amount = base − discount), and
 *   `discount_percent` is a percentage (10 means 10 %). Oneflow allows only one of the two;
 *   a product with both set (non-zero) is reported instead of guessed at.
 * - SuperOffice's quote line has SubTotal = Quantity × UnitListPrice and
 *   TotalPrice = SubTotal − DiscountAmount, so its DiscountAmount is for the whole line:
 *   the plan writes per-unit discount × quantity (see plan.ts).
 * Amounts and quantities may come as numbers or as decimal strings ("4500.00"); both are read.
 */

type Maybe<T> = T | null | undefined;
type Amount = Maybe<string | number>;

/** The parts of the Oneflow contract read here; a zod-parsed contract of the Oneflow client fits it. */
export interface OneflowContractInput {
  id: number | string;
  state?: Maybe<string>;
  state_updated_time?: Maybe<string>;
  data_fields?: Maybe<
    ReadonlyArray<{
      value?: Maybe<string | number | boolean>;
      custom_id?: Maybe<string>;
      _private_ownerside?: Maybe<{ custom_id?: Maybe<string> }>;
    }>
  >;
  parties?: Maybe<
    ReadonlyArray<{
      my_party?: Maybe<boolean>;
      name?: Maybe<string>;
      participants?: Maybe<
        ReadonlyArray<{
          name?: Maybe<string>;
          email?: Maybe<string>;
          phone_number?: Maybe<string>;
          title?: Maybe<string>;
          signatory?: Maybe<boolean>;
          sign_state?: Maybe<string>;
        }>
      >;
    }>
  >;
  product_groups?: Maybe<
    ReadonlyArray<{
      products?: Maybe<
        ReadonlyArray<{
          id?: Maybe<number | string>;
          name?: Maybe<string>;
          price_1?: Maybe<{
            base_amount?: Maybe<{ amount?: Amount }>;
            amount?: Maybe<{ amount?: Amount }>;
            discount_amount?: Maybe<{ amount?: Amount }>;
            discount_percent?: Amount;
          }>;
          quantity?: Maybe<{ amount?: Amount; type?: Maybe<string> }>;
          _private_ownerside?: Maybe<{ custom_id?: Maybe<string> }>;
          custom_id?: Maybe<string>;
        }>
      >;
    }>
  >;
}

const text = (v: Maybe<string>): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : null;

type AmountRead = { value: number | null; problem?: string };

function readAmount(raw: Amount): AmountRead {
  if (raw === null || raw === undefined) return { value: null };
  if (typeof raw === 'number')
    return Number.isFinite(raw) ? { value: raw } : { value: null, problem: String(raw) };
  const t = raw.trim();
  if (t === '') return { value: null };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) return { value: null, problem: raw };
  return { value: Number(t) };
}

function dataFieldValue(value: Maybe<string | number | boolean>): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function toProduct(
  product: NonNullable<
    NonNullable<NonNullable<OneflowContractInput['product_groups']>[number]['products']>[number]
  >,
  position: string,
): ProductFact {
  const problems: string[] = [];
  const name = text(product.name) ?? `product ${position}`;
  const read = (raw: Amount, what: string, required: boolean): number | null => {
    const r = readAmount(raw);
    if (r.problem !== undefined) problems.push(`its ${what} ${JSON.stringify(r.problem)} is not a number`);
    else if (r.value === null && required) problems.push(`it has no ${what}`);
    return r.value;
  };
  const price = product.price_1 ?? undefined;
  const quantity = read(product.quantity?.amount, 'quantity', true);
  const unitListPrice = read(price?.base_amount?.amount, 'unit price', true);
  const unitFinalPrice = read(price?.amount?.amount, 'price after discount', false);
  const percent = read(price?.discount_percent, 'discount percent', false);
  const perUnit = read(price?.discount_amount?.amount, 'discount amount', false);
  const discountPercent = percent !== null && percent !== 0 ? percent : null;
  const discountAmountPerUnit = perUnit !== null && perUnit !== 0 ? perUnit : null;
  if (discountPercent !== null && discountAmountPerUnit !== null) {
    problems.push(
      `it has both a discount percent (${discountPercent}) and a discount amount (${discountAmountPerUnit}); Oneflow allows only one`,
    );
  }
  return {
    oneflowProductId: product.id === null || product.id === undefined ? position : String(product.id),
    customId: text(product._private_ownerside?.custom_id) ?? text(product.custom_id),
    name,
    quantity,
    quantityType: text(product.quantity?.type),
    unitListPrice,
    discountPercent,
    discountAmountPerUnit,
    unitFinalPrice,
    problems,
  };
}

export function toContractFacts(contract: OneflowContractInput): ContractFacts {
  const dataFields: Record<string, string | null> = {};
  for (const field of contract.data_fields ?? []) {
    // The contract response keeps custom_id under _private_ownerside; other payloads have it at the top.
    const id = field._private_ownerside?.custom_id ?? field.custom_id;
    if (typeof id !== 'string' || id === '' || Object.hasOwn(dataFields, id)) continue;
    Object.defineProperty(dataFields, id, {
      value: dataFieldValue(field.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  const counterpartyParticipants: CounterpartyParticipant[] = [];
  for (const party of contract.parties ?? []) {
    if (party.my_party === true) continue;
    for (const p of party.participants ?? []) {
      counterpartyParticipants.push({
        number: counterpartyParticipants.length + 1,
        name: text(p.name),
        email: text(p.email),
        phoneNumber: text(p.phone_number),
        title: text(p.title),
        partyName: text(party.name),
        signatory: typeof p.signatory === 'boolean' ? p.signatory : null,
        signState: text(p.sign_state),
      });
    }
  }

  const products: ProductFact[] = [];
  (contract.product_groups ?? []).forEach((group, g) => {
    (group.products ?? []).forEach((product, i) => products.push(toProduct(product, `${g + 1}.${i + 1}`)));
  });

  // The state's time is the signing's only while the state is signed: a later change of
  // state (declined, reset) moves it.
  const signedAt = text(contract.state) === 'signed' ? text(contract.state_updated_time) : null;
  return {
    contractId: Number(contract.id),
    state: text(contract.state),
    ...(signedAt !== null ? { signedAt } : {}),
    dataFields,
    counterpartyParticipants,
    products,
  };
}

/** Own-property lookup, so a custom_id such as "constructor" is not found on the prototype. */
export function dataFieldOf(
  facts: ContractFacts,
  customId: string,
): { found: boolean; value: string | null } {
  return Object.hasOwn(facts.dataFields, customId)
    ? { found: true, value: facts.dataFields[customId] ?? null }
    : { found: false, value: null };
}
