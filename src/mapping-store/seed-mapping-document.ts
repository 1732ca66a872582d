import { createHash } from 'node:crypto';
import type { MappingDocument } from '../config/mapping-document';
import type { MappingStore } from './mapping-store';

/**
 * How SMART_SYNC_CONFIG seeds the store at start-up. The settings page is where admins
 * configure Smart Sync, so its changes must survive a restart; a file that never changes
 * must therefore not overwrite them at every start. But a file an operator has just
 * edited (or named for the first time) is a deliberate instruction, so it is imported:
 *
 * - seeded: the store was empty, the file's document is now the configuration;
 * - replaced: the file differs from the one imported last (or none was), its document
 *   replaces the stored one (which stays in the store's history);
 * - kept: the file is the one imported last, so the stored document, with whatever was
 *   changed since in the page or through PUT /api/config, stays as it is.
 */
export type SeedResult = 'seeded' | 'replaced' | 'kept';

/** Of the parsed document, so that reformatting the file or reordering its keys is no change. */
export function mappingDocumentFingerprint(doc: MappingDocument): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex');
}

export async function seedMappingDocument(
  store: MappingStore,
  doc: MappingDocument,
  source: string,
): Promise<SeedResult> {
  const seedFingerprint = mappingDocumentFingerprint(doc);
  const current = await store.getMappingDocument();
  if (current !== null && (await store.getSeedFingerprint()) === seedFingerprint) return 'kept';
  await store.setMappingDocument(doc, { source, seedFingerprint });
  return current === null ? 'seeded' : 'replaced';
}
