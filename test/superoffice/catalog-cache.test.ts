import { CatalogCache } from '../../src/superoffice/catalog-loader';
import type { SuperOfficeClient } from '../../src/superoffice/client';

/** A client whose metadata reads are counted, and fail while `failing` is set. */
function metadataClient() {
  const state = { loads: 0, failing: false, held: [] as Array<() => void>, hold: false };
  const client = {
    async getCustomFields() {
      state.loads += 1;
      if (state.hold) await new Promise<void>((resolve) => state.held.push(resolve));
      if (state.failing) throw new Error('SuperOffice is down');
      return [];
    },
    async getPublishedUdefs() {
      return [];
    },
    async getMdoList() {
      return [];
    },
  } as unknown as SuperOfficeClient;
  // Three objects (Sale, Company, Contact): one getCustomFields each per catalog load.
  return { client, state, catalogLoads: () => state.loads / 3 };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the property catalog cache', () => {
  it('loads once and serves the same catalog within its time to live', async () => {
    const { client, catalogLoads } = metadataClient();
    let now = 0;
    const cache = new CatalogCache(client, 1000, () => now);
    const first = await cache.get();
    now = 999;
    expect(await cache.get()).toBe(first);
    expect(catalogLoads()).toBe(1);
  });

  it('after its time to live, serves the catalog it has at once and refreshes it in the background', async () => {
    const { client, state, catalogLoads } = metadataClient();
    let now = 0;
    const cache = new CatalogCache(client, 1000, () => now);
    const first = await cache.get();
    now = 1500;
    state.hold = true;
    // The refresh is held: the sync is still served, without waiting for it.
    expect(await cache.get()).toBe(first);
    expect(await cache.get()).toBe(first);
    // One refresh, however many syncs ask while it runs.
    expect(catalogLoads()).toBe(2);
    state.hold = false;
    state.held.forEach((release) => release());
    await settle();
    await settle();
    const refreshed = await cache.get();
    expect(refreshed).not.toBe(first);
    expect(refreshed).toEqual(first);
  });

  it('keeps the stale catalog when a refresh fails, and tries again on the next sync', async () => {
    const { client, state, catalogLoads } = metadataClient();
    let now = 0;
    const cache = new CatalogCache(client, 1000, () => now);
    const first = await cache.get();
    now = 1500;
    state.failing = true;
    expect(await cache.get()).toBe(first);
    await settle();
    expect(await cache.get()).toBe(first);
    await settle();
    expect(catalogLoads()).toBe(3);
  });

  it('does not serve a catalog older than its limit: the sync loads it, and fails when that fails', async () => {
    const { client, state } = metadataClient();
    let now = 0;
    const cache = new CatalogCache(client, 1000, () => now, 5000);
    await cache.get();
    now = 5000;
    state.failing = true;
    await expect(cache.get()).rejects.toThrow('SuperOffice is down');
    state.failing = false;
    await expect(cache.get()).resolves.toBeDefined();
  });

  it('does not keep a first load that failed', async () => {
    const { client, state, catalogLoads } = metadataClient();
    const cache = new CatalogCache(client, 1000, () => 0);
    state.failing = true;
    await expect(cache.get()).rejects.toThrow('SuperOffice is down');
    state.failing = false;
    await expect(cache.get()).resolves.toBeDefined();
    expect(catalogLoads()).toBe(2);
  });
});
