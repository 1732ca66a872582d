import pino from 'pino';
import { resolvePlanActivity } from '../../src/activities/resolve-plan';
import type { MappingDocument } from '../../src/config/mapping-document';
import { ApiError } from '../../src/http/api-error';
import { toContractFacts } from '../../src/mapping/contract-facts';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import type { CatalogCache } from '../../src/superoffice/catalog-loader';
import type { SuperOfficeClient } from '../../src/superoffice/client';
import { buildPropertyCatalog } from '../../src/superoffice/field-catalog';
import { demoCatalogInput, demoContract } from '../mapping/demo-fixtures';

/**
 * resolvePlan's reads side by side: which ones overlap, and that the failure reported is
 * the one met first in the plan's order, as when they ran one after another.
 */
const document: MappingDocument = {
  smartSync: { dataFields: true, products: false },
  links: { sale: 'superoffice_sale_id', company: 'superoffice_company_id' },
  mappings: [
    { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
    { object: 'Contact', property: 'Title', participant: 2, participantField: 'title' },
  ],
};

const persons = [
  { personId: 301, contactId: 101, fullName: 'Anna Berg', email: 'anna.berg@nordlys.example' },
  { personId: 302, contactId: 101, fullName: 'Jonas Dahl', email: 'jonas.dahl@nordlys.example' },
];

/** Every read takes 20 ms and logs when it starts and ends; `fail` makes one reject. */
function timedSuperOffice(fail: Partial<Record<string, Error>> = {}, embeddedAlternative?: number) {
  const log: string[] = [];
  const read =
    <A extends unknown[], T>(name: string, answer: (...args: A) => T) =>
    async (...args: A): Promise<T> => {
      const label = `${name}${args.length ? ` ${String(args[0])}` : ''}`;
      log.push(`start ${label}`);
      await new Promise((r) => setTimeout(r, 20));
      log.push(`end ${label}`);
      const error = fail[name];
      if (error) throw error;
      return answer(...args);
    };
  const client = {
    forAttempt: () => client,
    getSale: read('getSale', (id: number) => ({
      SaleId: id,
      Heading: 'Nordlys office',
      Contact: { ContactId: 101 },
    })),
    getCompany: read('getCompany', (id: number) => ({ ContactId: id, Name: 'Nordlys Interiør AS' })),
    listCompanyPersons: read('listCompanyPersons', (_id: number) => persons),
    findPersonsByEmail: read('findPersonsByEmail', (_email: string) => []),
    getPerson: read('getPerson', (id: number) => ({
      PersonId: id,
      FullName: `Person ${id}`,
      Title: 'Old title',
    })),
    getQuoteEntityFromSaleId: read('getQuoteEntityFromSaleId', (saleId: number) => ({
      QuoteId: 7001,
      SaleId: saleId,
      ActiveQuoteVersionId: 7101,
      QuoteVersions: [{ QuoteVersionId: 7101, QuoteId: 7001, LikelyQuoteAlternativeId: embeddedAlternative }],
    })),
    getQuoteVersion: read('getQuoteVersion', (id: number) => ({
      QuoteVersionId: id,
      QuoteId: 7001,
      LikelyQuoteAlternativeId: 7201,
    })),
    getQuoteAlternatives: read('getQuoteAlternatives', (_id: number) => [{ QuoteAlternativeId: 7299 }]),
    getQuoteLines: read('getQuoteLines', (_id: number) => []),
  };
  return { client: client as unknown as SuperOfficeClient, log };
}

function resolvePlan(client: SuperOfficeClient, products = false) {
  const catalog = buildPropertyCatalog(demoCatalogInput());
  return resolvePlanActivity({
    superoffice: client,
    mappingStore: new InMemoryMappingStore({ ...document, smartSync: { dataFields: true, products } }),
    catalog: { get: async () => catalog } as unknown as CatalogCache,
    logger: pino({ level: 'silent' }),
  })({ contractId: 9001, facts: toContractFacts(demoContract()) });
}

const apiError = (kind: 'not_found' | 'server_error', path: string) =>
  new ApiError('superoffice', kind, `GET ${path} → ${kind === 'not_found' ? 404 : 503}`, {
    status: kind === 'not_found' ? 404 : 503,
    method: 'GET',
    path,
  });

describe('resolvePlan reads side by side', () => {
  it('reads the Sale, the linked Company and its persons at once, then both Contacts at once', async () => {
    const { client, log } = timedSuperOffice();
    const plan = await resolvePlan(client);

    expect(plan.personIds).toEqual([301, 302]);
    expect(plan.contacts.map((c) => c.id)).toEqual([301, 302]);
    const firstEnd = log.findIndex((e) => e.startsWith('end'));
    expect(log.slice(0, firstEnd).sort()).toEqual(
      ['start getCompany 101', 'start getSale 2001', 'start listCompanyPersons 101'].sort(),
    );
    // Both Contacts are read before either read ends.
    const personStarts = log.filter((e) => e.startsWith('start getPerson'));
    expect(personStarts).toEqual(['start getPerson 301', 'start getPerson 302']);
    expect(log.indexOf('start getPerson 302')).toBeLessThan(log.indexOf('end getPerson 301'));
  });

  it('reports a missing Sale, not the Company read that failed beside it', async () => {
    const { client } = timedSuperOffice({
      getSale: apiError('not_found', 'Sale/2001'),
      getCompany: apiError('server_error', 'Contact/101'),
    });
    await expect(resolvePlan(client)).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringContaining('Sale 2001, which does not exist'),
    });
  });

  it('does not use, or fail on, the persons list of a Company that does not exist', async () => {
    const { client } = timedSuperOffice({
      getCompany: apiError('not_found', 'Contact/101'),
      listCompanyPersons: apiError('server_error', 'Contact/101/Persons'),
    });
    const plan = await resolvePlan(client);
    // Not in the Company's list, so each participant is looked for by email, and not found.
    expect(plan.personIds).toEqual([]);
    expect(plan.settled.map((s) => [s.type, s.status])).toEqual([
      ['Contact', 'failed'],
      ['Contact', 'failed'],
    ]);
  });

  it('reads the quote beside the Sale, and takes the likely alternative from the quote’s own versions', async () => {
    const { client, log } = timedSuperOffice({}, 7201);
    await resolvePlan(client, true);
    const firstEnd = log.findIndex((e) => e.startsWith('end'));
    expect(log.slice(0, firstEnd)).toContain('start getQuoteEntityFromSaleId 2001');
    expect(log).not.toContain('start getQuoteVersion 7101');
    expect(log).toContain('start getQuoteLines 7201');
  });

  it('asks GetQuoteVersion when the quote’s versions do not name the likely alternative', async () => {
    const { client, log } = timedSuperOffice({}, undefined);
    await resolvePlan(client, true);
    expect(log).toContain('start getQuoteVersion 7101');
    expect(log).not.toContain('start getQuoteAlternatives 7101');
    expect(log).toContain('start getQuoteLines 7201');
  });
});
