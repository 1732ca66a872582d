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

export class CatalogCache {
  private cached: { at: number; catalog: Promise<PropertyCatalog> } | undefined;

  constructor(
    private readonly client: SuperOfficeClient,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `client` loads the catalog when it is not cached: an activity attempt passes its own
   * view, so that the load is cancelled with it and heartbeats for it. A sync waiting on a
   * load another attempt cancelled fails its attempt too, retryably, and the next one loads.
   */
  get(client: SuperOfficeClient = this.client): Promise<PropertyCatalog> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.catalog;
    const catalog = loadPropertyCatalog(client);
    this.cached = { at: this.now(), catalog };
    // A failed load must not be served from the cache.
    catalog.catch(() => {
      if (this.cached?.catalog === catalog) this.cached = undefined;
    });
    return catalog;
  }
}
