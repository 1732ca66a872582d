import type { CustomFieldDef, ListDef } from './custom-fields';
import { ENTITY_NAMES, type EntityName } from './entity-kinds';

/**
 * The emulator's whole state, in memory. Entities are kept as their REST JSON minus what is
 * derived on read: nested references are stored id-only ({"ContactId": 101}), custom field values
 * in their encoded form by field name. Everything else about them is in entity-views.ts and
 * entity-writes.ts; this class only holds data and hands out ids.
 */

export interface StoredEntity {
  /** Every stored property of the entity (computed ones excluded), carriers id-only. */
  doc: Record<string, unknown>;
  /** Encoded custom field values by field name ("SuperOffice:2" → "[D:2026.12.15]"). */
  custom: Record<string, string>;
}

export type JsonRecord = Record<string, unknown>;

export interface TicketCredential {
  ticket: string;
  appToken: string;
  associateId: number;
}

/** Id sequences: entity names plus the quote tables and link rows. */
export type IdSequence = EntityName | 'Quote' | 'QuoteVersion' | 'QuoteAlternative' | 'QuoteLine' | 'Link';

export class SuperOfficeStore {
  readonly entities: Record<EntityName, Map<number, StoredEntity>> = {
    Sale: new Map(),
    Contact: new Map(),
    Person: new Map(),
    Appointment: new Map(),
  };
  /** Associate carriers by AssociateId. */
  readonly associates = new Map<number, JsonRecord>();
  readonly customFields: Record<EntityName, CustomFieldDef[]> = {
    Sale: [],
    Contact: [],
    Person: [],
    Appointment: [],
  };
  /** Udef lists by UDListDefinitionId (MDO list name "udlist{id}"). */
  readonly lists = new Map<number, ListDef>();
  /** Price-list products by ERPProductKey, for CreateQuoteLine. */
  readonly products = new Map<string, JsonRecord>();
  readonly quotes = new Map<number, JsonRecord>();
  readonly quoteVersions = new Map<number, JsonRecord>();
  readonly quoteAlternatives = new Map<number, JsonRecord>();
  readonly quoteLines = new Map<number, JsonRecord>();
  /** Bearer access tokens from the seed document → the associate they act as. */
  readonly bearerTokens = new Map<string, number>();
  readonly tickets: TicketCredential[] = [];

  private readonly lastIds = new Map<IdSequence, number>();

  reset(): void {
    for (const name of ENTITY_NAMES) {
      this.entities[name].clear();
      this.customFields[name] = [];
    }
    for (const map of [
      this.associates,
      this.lists,
      this.products,
      this.quotes,
      this.quoteVersions,
      this.quoteAlternatives,
      this.quoteLines,
      this.bearerTokens,
      this.lastIds,
    ]) {
      map.clear();
    }
    this.tickets.length = 0;
  }

  /** Takes over another store's content (a seed built aside and found valid). */
  adopt(other: SuperOfficeStore): void {
    this.reset();
    for (const name of ENTITY_NAMES) {
      for (const [id, e] of other.entities[name]) this.entities[name].set(id, e);
      this.customFields[name] = other.customFields[name];
    }
    const pairs: Array<[Map<unknown, unknown>, Map<unknown, unknown>]> = [
      [this.associates, other.associates],
      [this.lists, other.lists],
      [this.products, other.products],
      [this.quotes, other.quotes],
      [this.quoteVersions, other.quoteVersions],
      [this.quoteAlternatives, other.quoteAlternatives],
      [this.quoteLines, other.quoteLines],
      [this.bearerTokens, other.bearerTokens],
      [this.lastIds, other.lastIds],
    ];
    for (const [mine, theirs] of pairs) for (const [k, v] of theirs) mine.set(k, v);
    this.tickets.push(...other.tickets);
  }

  /** Next id of a sequence: one more than anything seeded or created before. */
  nextId(sequence: IdSequence): number {
    const next = (this.lastIds.get(sequence) ?? 0) + 1;
    this.lastIds.set(sequence, next);
    return next;
  }

  /** Records an id given by a seed, so that created ids continue after the seeded maximum. */
  noteId(sequence: IdSequence, id: number): void {
    if (id > (this.lastIds.get(sequence) ?? 0)) this.lastIds.set(sequence, id);
  }

  entity(name: EntityName, id: number): StoredEntity | undefined {
    return this.entities[name].get(id);
  }

  list(listId: number): ListDef | undefined {
    return this.lists.get(listId);
  }

  product(erpProductKey: string): JsonRecord | undefined {
    return this.products.get(erpProductKey.toLowerCase());
  }
}
