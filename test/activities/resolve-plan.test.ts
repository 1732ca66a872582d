import pino from 'pino';
import { resolvePlanActivity } from '../../src/activities/resolve-plan';
import type { MappingDocument } from '../../src/config/mapping-document';
import { ApiError } from '../../src/http/api-error';
import { toContractFacts } from '../../src/mapping/contract-facts';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import type { CatalogCache } from '../../src/superoffice/catalog-loader';
import type { SuperOfficeClient } from '../../src/superoffice/client';
import type { PersonMatch } from '../../src/superoffice/entities';
import { buildPropertyCatalog } from '../../src/superoffice/field-catalog';
import { demoCatalogInput, demoContract } from '../mapping/demo-fixtures';

/** The titles of both counterparty participants (Anna Berg #1, Jonas Dahl #2) onto their Contacts. */
function contactsDocument(): MappingDocument {
  return {
    smartSync: { dataFields: true, products: false },
    links: { sale: 'superoffice_sale_id', company: 'superoffice_company_id' },
    mappings: [
      { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
      { object: 'Contact', property: 'Title', participant: 2, participantField: 'title' },
    ],
  };
}

const notFound = (path: string) =>
  new ApiError('superoffice', 'not_found', `GET ${path} → 404`, { status: 404, method: 'GET', path });

/**
 * Sale 2001 of Company 101, whose person list and email search answer as given; getPerson
 * knows only the persons in `existing`, and answers 404 for the others, as SuperOffice does
 * for a person deleted after the archive listed it.
 */
function fakeSuperOffice(options: {
  companyPersons: PersonMatch[];
  foundByEmail?: Record<string, PersonMatch[]>;
  existing: number[];
}) {
  const calls = { findPersonsByEmail: [] as string[], getPerson: [] as number[] };
  const client = {
    // Each attempt's view of the client: the fake itself, which nothing cancels.
    forAttempt() {
      return client;
    },
    async getSale(saleId: number) {
      return { SaleId: saleId, Heading: 'Nordlys office', Contact: { ContactId: 101 } };
    },
    async getCompany(contactId: number) {
      return { ContactId: contactId, Name: 'Nordlys Interiør AS' };
    },
    async listCompanyPersons() {
      return options.companyPersons;
    },
    async findPersonsByEmail(email: string) {
      calls.findPersonsByEmail.push(email);
      return options.foundByEmail?.[email] ?? [];
    },
    async getPerson(personId: number) {
      calls.getPerson.push(personId);
      if (!options.existing.includes(personId)) throw notFound(`Person/${personId}`);
      return { PersonId: personId, FullName: `Person ${personId}`, Title: 'Old title' };
    },
  };
  // Only the calls resolvePlan makes with products off are needed; the rest of the client is never reached.
  return { client: client as unknown as SuperOfficeClient, calls };
}

function resolvePlanWith(client: SuperOfficeClient) {
  const catalog = buildPropertyCatalog(demoCatalogInput());
  // resolvePlan only reads the catalog, so a fixed one stands in for the cache that loads it.
  const cache = { get: async () => catalog } as unknown as CatalogCache;
  return resolvePlanActivity({
    superoffice: client,
    mappingStore: new InMemoryMappingStore(contactsDocument()),
    catalog: cache,
    logger: pino({ level: 'silent' }),
  });
}

const anna: PersonMatch = {
  personId: 301,
  contactId: 101,
  fullName: 'Anna Berg',
  email: 'anna.berg@nordlys.example',
};
const jonas: PersonMatch = {
  personId: 302,
  contactId: 101,
  fullName: 'Jonas Dahl',
  email: 'jonas.dahl@nordlys.example',
};

describe('resolvePlan, the Contacts of the participants', () => {
  it('does not link the outcome Activity to a Contact that does not exist', async () => {
    const { client } = fakeSuperOffice({ companyPersons: [anna, jonas], existing: [301] });
    const plan = await resolvePlanWith(client)({ contractId: 9001, facts: toContractFacts(demoContract()) });

    expect(plan.personIds).toEqual([301]);
    expect(plan.contacts.map((c) => c.id)).toEqual([301]);
    expect(plan.settled).toEqual([
      expect.objectContaining({
        type: 'Contact',
        id: 302,
        participant: 2,
        status: 'failed',
        error: 'Contact 302 does not exist in SuperOffice',
      }),
    ]);
  });

  it("searches by email only for a participant the Company's persons do not have", async () => {
    const outside: PersonMatch = { ...jonas, personId: 402, email: 'j.dahl@private.example' };
    const { client, calls } = fakeSuperOffice({
      companyPersons: [anna],
      foundByEmail: {
        'jonas.dahl@nordlys.example': [{ ...outside, personId: 501, contactId: 900 }, outside],
      },
      existing: [301, 402],
    });
    const plan = await resolvePlanWith(client)({ contractId: 9001, facts: toContractFacts(demoContract()) });

    expect(calls.findPersonsByEmail).toEqual(['jonas.dahl@nordlys.example']);
    expect(plan.personIds).toEqual([301, 402]);
    expect(plan.contacts.map((c) => [c.id, c.participant])).toEqual([
      [301, 1],
      [402, 2],
    ]);
    expect(plan.settled).toEqual([]);
  });

  it('reports a participant nobody has the email of, and links nobody for them', async () => {
    const { client, calls } = fakeSuperOffice({ companyPersons: [anna], existing: [301] });
    const plan = await resolvePlanWith(client)({ contractId: 9001, facts: toContractFacts(demoContract()) });

    expect(calls.getPerson).toEqual([301]);
    expect(plan.personIds).toEqual([301]);
    expect(plan.settled).toEqual([
      expect.objectContaining({
        type: 'Contact',
        id: null,
        participant: 2,
        status: 'failed',
        error: 'no SuperOffice Contact has the email jonas.dahl@nordlys.example of participant #2',
      }),
    ]);
  });
});
