import { MAPPING_OBJECTS } from '../config/mapping-document';
import {
  buildPropertyCatalog,
  type PropertyCatalog,
  type PropertyCatalogInput,
  SUPEROFFICE_ENTITY,
} from './field-catalog';
import type { SuperOfficeClient } from './client';

/**
 * The property catalog, built from SuperOffice's own field metadata: custom fields,
 * the published udef layout and the items of the lists they use. SuperOffice's
 * guidance is to cache such metadata, so one load serves many syncs for `ttlMs`.
 */
export async function loadPropertyCatalog(client: SuperOfficeClient): Promise<PropertyCatalog> {
  const input = {} as PropertyCatalogInput;
  await Promise.all(
    MAPPING_OBJECTS.map(async (object) => {
      const entity = SUPEROFFICE_ENTITY[object];
      const [customFields, udefs] = await Promise.all([
        client.getCustomFields(entity),
        client.getPublishedUdefs(entity),
      ]);
      const listNames = [...new Set(udefs.map((u) => u.MdoListName).filter((n): n is string => !!n))];
      const lists = Object.fromEntries(
        await Promise.all(listNames.map(async (name) => [name, await client.getMdoList(name)] as const)),
      );
      input[object] = { customFields, udefs, lists };
    }),
  );
  return buildPropertyCatalog(input);
}

/**
 * The catalog, loaded once and then refreshed in the background: after `ttlMs` the next sync
 * is served the catalog it has while a fresh one loads beside it (with the cache's own
 * client, not an attempt's, so that no attempt's end cancels it), so no sync waits on the
 * metadata reads after the first. A catalog older than `maxStaleMs` (the refreshes kept
 * failing) is not served: that sync loads it itself, and fails retryably if it cannot.
 */
export class CatalogCache {
  private cached: { at: number; catalog: Promise<PropertyCatalog> } | undefined;
  private refreshing: Promise<unknown> | undefined;

  constructor(
    private readonly client: SuperOfficeClient,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxStaleMs = 6 * ttlMs,
  ) {}

  /**
   * `client` loads the catalog when none can be served: an activity attempt passes its own
   * view, so that the load is cancelled with it and heartbeats for it. A sync waiting on a
   * load another attempt cancelled fails its attempt too, retryably, and the next one loads.
   */
  get(client: SuperOfficeClient = this.client): Promise<PropertyCatalog> {
    const age = this.cached ? this.now() - this.cached.at : Number.POSITIVE_INFINITY;
    if (this.cached && age < this.ttlMs) return this.cached.catalog;
    if (this.cached && age < this.maxStaleMs) {
      this.refresh();
      return this.cached.catalog;
    }
    return this.load(client);
  }

  private load(client: SuperOfficeClient): Promise<PropertyCatalog> {
    const catalog = loadPropertyCatalog(client);
    this.cached = { at: this.now(), catalog };
    // A failed load must not be served from the cache.
    catalog.catch(() => {
      if (this.cached?.catalog === catalog) this.cached = undefined;
    });
    return catalog;
  }

  /** One refresh at a time; the served catalog is replaced only by one that loaded. */
  private refresh(): void {
    if (this.refreshing) return;
    const catalog = loadPropertyCatalog(this.client);
    this.refreshing = catalog.then(
      () => {
        this.cached = { at: this.now(), catalog };
      },
      // The stale catalog stays; the next sync after this one tries again.
      () => {},
    );
    void this.refreshing.finally(() => (this.refreshing = undefined));
  }
}
