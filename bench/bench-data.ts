import { createHash, randomBytes } from 'node:crypto';
import { oneflowDemoSeed, type ContractSeedInput, type OneflowSeedInput } from '../src/emulators/oneflow';
import { superofficeDemoSeed, type SuperOfficeSeed } from '../src/emulators/superoffice';
import { webhookSignature } from '../src/oneflow/webhook';

/**
 * The demo deal, repeated: contract i links to a Sale, Company, two Contacts and a quote of
 * its own, so that syncs do not queue behind each other on one record (which would measure
 * the emulator's Activity list of one Sale growing, not Smart Sync). Every contract is
 * already signed, so the driver sends the webhook itself and times it.
 */

export interface BenchContract {
  contractId: number;
  saleId: number;
  companyId: number;
  personIds: [number, number];
  quoteLineIds: number[];
  poNumber: string;
}

export interface BenchDataSet {
  oneflow: OneflowSeedInput;
  superoffice: SuperOfficeSeed;
  contracts: BenchContract[];
}

const CONTRACT_BASE = 500_000;
const SALE_BASE = 100_000;
const COMPANY_BASE = 200_000;
const PERSON_BASE = 300_000;
const QUOTE_BASE = 400_000;
const VERSION_BASE = 410_000;
const ALTERNATIVE_BASE = 420_000;
const LINE_BASE = 430_000;

type Json = Record<string, unknown>;

function demoContract(): ContractSeedInput {
  const first = oneflowDemoSeed.contracts?.[0];
  if (!first) throw new Error('the Oneflow demo seed has no contract to repeat');
  return structuredClone(first);
}

function one<T>(items: T[] | undefined, what: string): T {
  const item = items?.[0];
  if (item === undefined) throw new Error(`the SuperOffice demo seed has no ${what} to repeat`);
  return structuredClone(item);
}

/**
 * Contracts `first` .. `first + count - 1`, with everything they link to. They are signed
 * already (the bench sends the webhooks itself) unless `state` says otherwise, e.g.
 * "pending" for tests that let the Oneflow emulator sign them and deliver the webhooks.
 */
export function benchDataSet(
  first: number,
  count: number,
  state: 'signed' | 'pending' = 'signed',
): BenchDataSet {
  const template = demoContract();
  const company = one(superofficeDemoSeed.companies as Json[], 'company');
  const [anna, jonas] = (superofficeDemoSeed.persons as Json[]).map((p) => structuredClone(p));
  const sale = one(superofficeDemoSeed.sales as Json[], 'sale');
  const quote = one(superofficeDemoSeed.quotes as Json[], 'quote');
  if (!anna || !jonas) throw new Error('the SuperOffice demo seed needs two persons');

  const contracts: BenchContract[] = [];
  const oneflowContracts: ContractSeedInput[] = [];
  const companies: Json[] = [];
  const persons: Json[] = [];
  const sales: Json[] = [];
  const quotes: Json[] = [];

  for (let i = first; i < first + count; i++) {
    const ids = {
      contractId: CONTRACT_BASE + i,
      saleId: SALE_BASE + i,
      companyId: COMPANY_BASE + i,
      personIds: [PERSON_BASE + 2 * i, PERSON_BASE + 2 * i + 1] as [number, number],
      quoteLineIds: [0, 1, 2].map((k) => LINE_BASE + 3 * i + k),
      poNumber: `PO-BENCH-${i}`,
    };
    contracts.push(ids);
    const emails = [`anna.berg.${i}@bench.example`, `jonas.dahl.${i}@bench.example`];

    const contract = structuredClone(template);
    contract.id = ids.contractId;
    contract.name = `Office furniture – bench customer ${i}`;
    contract.state = state;
    const values: Record<string, string> = {
      superoffice_sale_id: String(ids.saleId),
      superoffice_company_id: String(ids.companyId),
      po_number: ids.poNumber,
      customer_reference: `Bench ref ${i}`,
    };
    contract.data_fields = (contract.data_fields ?? []).map((f) =>
      values[f.custom_id] !== undefined ? { ...f, value: values[f.custom_id]! } : f,
    );
    const counterparty = contract.parties?.find((p) => !p.my_party);
    counterparty?.participants.forEach((p, k) => {
      if (emails[k]) p.email = emails[k];
    });
    oneflowContracts.push(contract);

    companies.push({ ...structuredClone(company), ContactId: ids.companyId, Name: `Bench customer ${i} AS` });
    persons.push(
      {
        ...structuredClone(anna),
        PersonId: ids.personIds[0],
        Emails: [{ Value: emails[0] }],
        Contact: { ContactId: ids.companyId },
      },
      {
        ...structuredClone(jonas),
        PersonId: ids.personIds[1],
        Emails: [{ Value: emails[1] }],
        Contact: { ContactId: ids.companyId },
      },
    );
    sales.push({
      ...structuredClone(sale),
      SaleId: ids.saleId,
      Heading: `Office furniture for bench customer ${i}`,
      Contact: { ContactId: ids.companyId },
      Person: { PersonId: ids.personIds[0] },
    });
    quotes.push(repeatQuote(quote, i, ids.saleId));
  }

  return {
    oneflow: { ...structuredClone(oneflowDemoSeed), contracts: oneflowContracts },
    superoffice: {
      ...structuredClone(superofficeDemoSeed),
      companies,
      persons,
      sales,
      appointments: [],
      quotes,
    } as unknown as SuperOfficeSeed,
    contracts,
  };
}

/** The demo quote (one version, one alternative, three lines) with ids of its own. */
function repeatQuote(template: Json, i: number, saleId: number): Json {
  const quote = structuredClone(template);
  quote.QuoteId = QUOTE_BASE + i;
  quote.SaleId = saleId;
  quote.ActiveQuoteVersionId = VERSION_BASE + i;
  const versions = quote.versions as Json[];
  for (const version of versions) {
    version.QuoteVersionId = VERSION_BASE + i;
    version.LikelyQuoteAlternativeId = ALTERNATIVE_BASE + i;
    for (const alternative of version.alternatives as Json[]) {
      alternative.QuoteAlternativeId = ALTERNATIVE_BASE + i;
      (alternative.lines as Json[]).forEach((line, k) => {
        line.QuoteLineId = LINE_BASE + 3 * i + k;
      });
    }
  }
  return quote;
}

export interface WebhookDelivery {
  body: string;
  contractId: number;
}

/** A contract:sign webhook as Oneflow sends it, signed with `signKey`. */
export function signWebhook(contractId: number, eventId: number, signKey: string): WebhookDelivery {
  const callbackId = createHash('sha1').update(randomBytes(16)).digest('hex');
  return {
    contractId,
    body: JSON.stringify({
      contract: { id: contractId },
      callback_id: callbackId,
      events: [
        { id: eventId, type: 'contract:sign', created_time: new Date().toISOString().slice(0, 19) + '+0000' },
      ],
      signature: webhookSignature(callbackId, signKey),
    }),
  };
}
