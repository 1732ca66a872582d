import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import { type ContactPlan, planFailureDetails, planSync } from '../mapping/plan';
import { personFoundByEmail, personInCompany, type ParticipantMatch } from '../mapping/participant-match';
import {
  hasWork,
  matchedProductResults,
  partitionChanges,
  plannedProperties,
  productFailureResults,
  settled,
} from '../mapping/planned-results';
import { planProductChanges } from '../mapping/product-changes';
import { quoteLineWrite } from '../mapping/product-lines';
import { planSaleSold } from '../mapping/sale-sold';
import { planSignedPdf } from '../mapping/signed-pdf';
import { matchProductsToQuoteLines } from '../mapping/quote-matching';
import type { SuperOfficeClient } from '../superoffice/client';
import type { CatalogCache } from '../superoffice/catalog-loader';
import type { PersonMatch, QuoteLine } from '../superoffice/entities';
import type { MappingDocument } from '../config/mapping-document';
import type { MappingStore } from '../mapping-store/mapping-store';
import { activityLogger } from './activity-logger';
import { currentAttempt } from './attempt';
import { mapBounded, startEarly } from './early-reads';
import { eitherSignal } from '../http/json-request';
import { nonRetryable, toActivityFailure } from './failures';
import {
  FAILURE,
  type ContractFacts,
  type EntityUpdate,
  type PlanFailureDetails,
  type ProductsUpdate,
  type ResolvedPlan,
  type ResourceResult,
} from '../workflow-contract';

/** Participants looked up at once: a contract has a handful; a large one must not flood SuperOffice. */
const CONTACT_READS_AT_ONCE = 4;

export interface ResolvePlanDeps {
  superoffice: SuperOfficeClient;
  mappingStore: MappingStore;
  catalog: CatalogCache;
  logger: Logger;
}

async function getOrNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'not_found') return null;
    throw err;
  }
}

/**
 * Step 2: which SuperOffice records, which properties, which values. Reads the mapping
 * document and the property catalog, plans with the pure mapping module, then looks up
 * what the plan cannot know: the Sale's Company, each participant's Contact by email,
 * the quote lines, and the current values (to tell changes from no-ops).
 */
export function resolvePlanActivity(deps: ResolvePlanDeps) {
  async function findPerson(
    superoffice: SuperOfficeClient,
    contact: ContactPlan,
    companyId: number | undefined,
    companyPersons: PersonMatch[],
  ): Promise<ParticipantMatch> {
    const inCompany = personInCompany(contact.email!, companyPersons);
    if (inCompany) return { person: inCompany };
    const participant = { participant: contact.participant, email: contact.email! };
    return personFoundByEmail(participant, companyId, await superoffice.findPersonsByEmail(contact.email!));
  }

  /**
   * The Sale's quote lines, or why there are none. The active version's likely alternative is
   * read from the QuoteEntity's own QuoteVersions[] (Swagger-v1-QuoteAgent.json: QuoteEntity
   * carries its versions, each with LikelyQuoteAlternativeId), saving a GetQuoteVersion; a
   * tenant that leaves the list out (no source says it is always filled) is asked as before.
   */
  async function readQuoteLines(
    superoffice: SuperOfficeClient,
    saleId: number,
  ): Promise<{ alternativeId: number; lines: QuoteLine[] } | { none: string }> {
    const quote = await superoffice.getQuoteEntityFromSaleId(saleId);
    if (!quote || !quote.ActiveQuoteVersionId)
      return { none: `Sale ${saleId} has no quote in SuperOffice, so there are no products to update` };
    const versionId = quote.ActiveQuoteVersionId;
    // Only an embedded version that names its alternative is taken: one without may be a
    // summary, and GetQuoteVersion is then asked, as before, before falling back to the first.
    const embedded = quote.QuoteVersions?.find(
      (v) => v.QuoteVersionId === versionId && v.LikelyQuoteAlternativeId,
    );
    const version = embedded ?? (await superoffice.getQuoteVersion(versionId));
    let alternativeId: number | undefined = version.LikelyQuoteAlternativeId ?? undefined;
    if (!alternativeId)
      alternativeId = (await superoffice.getQuoteAlternatives(versionId))[0]?.QuoteAlternativeId;
    if (!alternativeId) return { none: `the active quote version of Sale ${saleId} has no alternative` };
    return { alternativeId, lines: await superoffice.getQuoteLines(alternativeId) };
  }

  async function planProducts(
    quoteRead: Promise<Awaited<ReturnType<typeof readQuoteLines>>> | undefined,
    saleId: number,
    plan: ReturnType<typeof planSync>,
    switches: MappingDocument['smartSync'],
  ): Promise<{ update?: ProductsUpdate; settled?: ResourceResult }> {
    const base = { type: 'Products' as const, id: saleId };
    const planned = productFailureResults(plan.productFailures);
    if (plan.productLines.length === 0 || !quoteRead)
      return planned.length > 0 ? { settled: settled(base, planned) } : {};
    const read = await quoteRead;
    if ('none' in read) return { settled: settled(base, planned, read.none) };
    const { alternativeId, lines } = read;
    const match = matchProductsToQuoteLines(plan.productLines, lines);
    const writes = match.updates.map((u) => quoteLineWrite(u));
    const changes = planProductChanges(match, switches);
    planned.push(...matchedProductResults({ unchanged: match.unchanged, unmatched: [] }), ...changes.planned);
    const adding = switches.addProducts === true || switches.removeProducts === true;
    if (writes.length + changes.additions.length + changes.removals.length === 0)
      return { settled: settled(base, planned) };
    return {
      update: {
        saleId,
        quoteAlternativeId: alternativeId,
        lines: writes,
        planned,
        // Only with the 0.3 switches on, so that a plan without them stays as it was.
        ...(adding
          ? {
              additions: changes.additions,
              removals: changes.removals,
              knownLineIds: lines.map((l) => l.QuoteLineId),
            }
          : {}),
      },
    };
  }

  /** One participant's Contact: found, read, and what to write or why not. */
  async function resolveContact(
    superoffice: SuperOfficeClient,
    contact: ContactPlan,
    companyId: number | undefined,
    companyPersons: PersonMatch[],
  ): Promise<{ settled?: ResourceResult; update?: EntityUpdate; personId?: number }> {
    const base = {
      type: 'Contact' as const,
      id: null,
      name: contact.name,
      participant: contact.participant,
    };
    const planned = plannedProperties(contact);
    if (contact.failure) return { settled: settled(base, planned, contact.failure) };
    const found = await findPerson(superoffice, contact, companyId, companyPersons);
    if ('error' in found) return { settled: settled(base, planned, found.error) };
    const personId = found.person.personId;
    const person = await getOrNull(() => superoffice.getPerson(personId));
    if (!person) {
      return {
        settled: settled(
          { ...base, id: personId },
          planned,
          `Contact ${personId} does not exist in SuperOffice`,
        ),
      };
    }
    const { write, unchanged } = partitionChanges(person, contact.changes);
    const all = [...unchanged, ...planned];
    // The person exists (it was read), so the outcome Activity may link it either way.
    if (write.length === 0) return { settled: settled({ ...base, id: personId }, all), personId };
    return {
      personId,
      update: {
        type: 'Contact',
        id: personId,
        name: contact.name ?? person.FullName,
        participant: contact.participant,
        changes: write,
        planned: all,
      },
    };
  }

  /**
   * The Company and its persons, listed side by side. Only a Company that exists has
   * persons to match, so for one that does not the list's answer (or failure) is not used,
   * as when it was asked only after the Company was read.
   */
  function readCompany(superoffice: SuperOfficeClient, companyId: number) {
    const company = startEarly(() => getOrNull(() => superoffice.getCompany(companyId)));
    const listed = startEarly(() => superoffice.listCompanyPersons(companyId));
    const persons = startEarly(async () => ((await company) ? await listed : []));
    return { company, persons };
  }

  return async function resolvePlan(input: {
    contractId: number;
    facts: ContractFacts;
  }): Promise<ResolvedPlan> {
    let failureDetails: PlanFailureDetails | undefined;
    const attempt = currentAttempt().scope;
    // Reads start as soon as what they need is known; one started and then not needed (an
    // earlier read failed the attempt) is cancelled when the step ends, not left running.
    const stepDone = new AbortController();
    const superoffice = deps.superoffice.forAttempt({
      signal: eitherSignal(attempt.signal, stepDone.signal)!,
      onCall: attempt.onCall,
    });
    try {
      const document = await deps.mappingStore.getMappingDocument();
      if (!document) {
        return {
          contacts: [],
          settled: [],
          notes: [
            'No mapping document is configured: nothing to sync. Configure one in the settings page or with SMART_SYNC_CONFIG.',
          ],
          nothingToSync: 'no mapping document is configured',
          personIds: [],
        };
      }
      failureDetails = planFailureDetails(input.facts, document);
      const catalog = await deps.catalog.get(superoffice);
      const plan = planSync({ facts: input.facts, document, catalog });
      const result: ResolvedPlan = {
        contacts: [],
        settled: [],
        notes: [...plan.errors, ...plan.notes],
        personIds: [],
        ...(plan.nothingToSync
          ? { nothingToSync: plan.nothingToSyncReason ?? 'nothing is configured to sync' }
          : {}),
      };
      if (plan.saleId === null) return result;
      const saleId = plan.saleId;

      // The reads that need only the plan's ids start together: the Sale, the linked Company
      // with its persons, the quote. Each is awaited where it was read when they ran one after
      // another, so that the same failure fails the step, with the same words.
      const saleRead = startEarly(() => getOrNull(() => superoffice.getSale(saleId)));
      const linkedCompany = plan.companyId !== null ? readCompany(superoffice, plan.companyId) : undefined;
      const quoteRead =
        plan.products.enabled && !plan.products.failure && plan.productLines.length > 0
          ? startEarly(() => readQuoteLines(superoffice, saleId))
          : undefined;

      const sale = await saleRead;
      if (!sale) {
        throw nonRetryable(
          FAILURE.NotFound,
          `the contract links to Sale ${plan.saleId}, which does not exist in SuperOffice`,
        );
      }
      result.saleId = plan.saleId;

      // The Sale. Marking it sold needs its current status, so it joins the plan only now,
      // as changes of the Sale's one update like any mapped property.
      const sold = planSaleSold({
        facts: input.facts,
        document,
        catalog,
        currentStatus: sale.Status,
      });
      plan.sale.changes.push(...sold.changes);
      plan.sale.skipped.push(...sold.skipped);
      if (hasWork(plan.sale)) {
        const { write, unchanged } = partitionChanges(sale, plan.sale.changes);
        const planned = [...unchanged, ...plannedProperties(plan.sale)];
        if (plan.sale.failure)
          result.settled.push(settled({ type: 'Sale', id: plan.saleId }, planned, plan.sale.failure));
        else if (write.length === 0) result.settled.push(settled({ type: 'Sale', id: plan.saleId }, planned));
        else result.sale = { type: 'Sale', id: plan.saleId, name: sale.Heading, changes: write, planned };
      }

      // The Company: the linked one, else the Sale's own.
      const companyId = plan.companyId ?? (sale.Contact?.ContactId || undefined);
      if (companyId !== undefined) result.companyId = companyId;
      const companyReads =
        companyId === undefined ? undefined : (linkedCompany ?? readCompany(superoffice, companyId));
      const company = companyReads ? await companyReads.company : null;
      if (hasWork(plan.company)) {
        const base = { type: 'Company' as const, id: companyId ?? null, name: company?.Name };
        const planned = plannedProperties(plan.company);
        if (plan.company.failure) result.settled.push(settled(base, planned, plan.company.failure));
        else if (companyId === undefined)
          result.settled.push(settled(base, planned, `Sale ${plan.saleId} has no Company`));
        else if (!company)
          result.settled.push(settled(base, planned, `Company ${companyId} does not exist in SuperOffice`));
        else {
          const { write, unchanged } = partitionChanges(company, plan.company.changes);
          const all = [...unchanged, ...planned];
          if (write.length === 0) result.settled.push(settled(base, all));
          else
            result.company = {
              type: 'Company',
              id: companyId,
              name: company.Name,
              changes: write,
              planned: all,
            };
        }
      }

      // The Contacts, found by the participants' email.
      const companyPersons = company && companyReads ? await companyReads.persons : [];
      // Side by side, a few at a time, and taken in the participants' order (the first
      // failure in that order fails the step, and the outcome lists them in that order).
      const contacts = mapBounded(plan.contacts, CONTACT_READS_AT_ONCE, (contact) =>
        resolveContact(superoffice, contact, companyId, companyPersons),
      );
      for (const pending of contacts) {
        const contact = await pending;
        if (contact.settled) result.settled.push(contact.settled);
        // Only after the read, so that the outcome Activity links only persons that exist.
        if (contact.personId !== undefined) result.personIds.push(contact.personId);
        if (contact.update) result.contacts.push(contact.update);
      }

      // The Products.
      if (plan.products.enabled) {
        if (plan.products.failure) {
          result.settled.push(settled({ type: 'Products', id: plan.saleId }, [], plan.products.failure));
        } else {
          const products = await planProducts(quoteRead, plan.saleId, plan, document.smartSync);
          if (products.update) result.products = products.update;
          if (products.settled) result.settled.push(products.settled);
        }
      }
      // The signed PDF, filed on the Sale with its Company and the first matched Contact.
      const signedPdf = planSignedPdf({
        facts: input.facts,
        document,
        saleId: plan.saleId,
        companyId: company ? companyId : undefined,
        personIds: result.personIds,
      });
      if (signedPdf) result.signedPdf = signedPdf;
      activityLogger(deps.logger, { contractId: input.contractId, saleId: result.saleId }).info(
        {
          writes: [result.sale, result.company, ...result.contacts].reduce(
            (n, u) => n + (u?.changes.length ?? 0),
            0,
          ),
          productLines: result.products?.lines.length ?? 0,
          settled: result.settled.length,
        },
        'sync planned',
      );
      return result;
    } catch (err) {
      throw toActivityFailure(err, 'planning the sync', failureDetails);
    } finally {
      stepDone.abort();
    }
  };
}
