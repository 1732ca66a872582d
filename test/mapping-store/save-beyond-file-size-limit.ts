/**
 * Run by sqlite-mapping-store.test.ts in a child process under a file-size limit
 * (`ulimit -f`): a write that fails for real, as on a full disk, even for root, which a
 * read-only folder does not stop. Tries to save a document too large for the limit and
 * prints, as JSON, what the store answered and what it serves afterwards.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { SqliteMappingStore } from '../../src/mapping-store/sqlite-mapping-store';

async function main(file: string): Promise<void> {
  const store = await SqliteMappingStore.open(file);
  const before = await store.getMappingDocument();
  if (!before) throw new Error(`${file} holds no mapping document to start from`);
  const tooLarge = { ...before, links: { ...before.links, sale: 'x'.repeat(8 << 20) } };
  let error: string | null = null;
  try {
    await store.setMappingDocument(tooLarge, { source: 'too large' });
  } catch (err) {
    error = (err as Error).message;
  }
  const result = {
    error,
    served: await store.getMappingDocument(),
    history: (await store.history()).map((v) => v.source),
    files: readdirSync(path.dirname(file)),
  };
  await store.close();
  process.stdout.write(JSON.stringify(result));
}

main(process.argv[2]!).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
