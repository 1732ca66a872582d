import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The page's script: the entry module browser/settings-page and every browser/ module it
 * imports, found by following the `require("./…")` calls of the CommonJS that tsc emits,
 * each wrapped in a function that gives it `exports` and a `require` for its siblings,
 * and placed after the modules it needs. That is all the CommonJS needs, so no bundler is
 * involved, and nothing more than the TypeScript compiler's output is needed at run time.
 *
 * Built (dist/), the modules are the .js files `npm run build` wrote beside this one.
 * Run from the TypeScript sources (jest, tsx), there are none, so they are compiled here
 * with the TypeScript compiler as `npm run build` would; that path never runs in
 * production, where TypeScript is not installed.
 */
const ENTRY = 'settings-page';
const BROWSER_DIR = path.join(__dirname, 'browser');

async function moduleSource(name: string): Promise<string> {
  const built = path.join(BROWSER_DIR, `${name}.js`);
  if (existsSync(built)) return readFile(built, 'utf8');
  const source = path.join(BROWSER_DIR, `${name}.ts`);
  const ts = await import('typescript');
  return ts.transpileModule(await readFile(source, 'utf8'), {
    fileName: source,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    },
  }).outputText;
}

/**
 * The sibling modules `code` requires. The browser has nothing else to give it, so
 * anything else (a package, a module outside browser/) fails the build here rather than
 * the page in the browser; type-only imports are gone from tsc's output and are fine.
 */
function requiredSiblings(name: string, code: string): string[] {
  const siblings: string[] = [];
  for (const [call, specifier] of code.matchAll(/\brequire\(\s*([^)]*?)\s*\)/g)) {
    const sibling = /^"\.\/([a-z0-9-]+)"$/.exec(specifier ?? '')?.[1];
    if (sibling === undefined) {
      throw new Error(
        `the settings page module ${name} calls ${call}: the browser modules may import only their siblings in browser/, and types from elsewhere with \`import type\``,
      );
    }
    siblings.push(sibling);
  }
  return siblings;
}

interface BrowserModule {
  name: string;
  code: string;
}

/** The entry and the modules it imports, each after the modules it needs. */
async function modulesInLoadOrder(): Promise<BrowserModule[]> {
  const ordered: BrowserModule[] = [];
  const placed = new Set<string>();
  const visit = async (name: string, importers: string[]): Promise<void> => {
    if (placed.has(name)) return;
    // Each module runs once, in order, so one that needs a module needing it back would
    // find that module's exports still empty.
    if (importers.includes(name)) {
      throw new Error(`the settings page modules import each other: ${[...importers, name].join(' → ')}`);
    }
    // A source map comment would send the browser looking for a file that is not served.
    const code = (await moduleSource(name)).replace(/^\/\/# sourceMappingURL=.*$/m, '');
    for (const sibling of requiredSiblings(name, code)) await visit(sibling, [...importers, name]);
    placed.add(name);
    ordered.push({ name, code });
  };
  await visit(ENTRY, []);
  return ordered;
}

export async function buildClientScript(): Promise<string> {
  const parts = (await modulesInLoadOrder()).map(
    ({ name, code }) =>
      `// --- ${name} ---\n(function (exports, require) {\n${code}\n})(modules['./${name}'] = {}, load);`,
  );
  return [
    '(function () {',
    "'use strict';",
    'var modules = {};',
    'function load(name) {',
    '  if (!(name in modules)) throw new Error("settings page: no module " + name);',
    '  return modules[name];',
    '}',
    ...parts,
    '})();',
    '',
  ].join('\n');
}

let cached: Promise<string> | undefined;

/** Built once per process; a failed build is tried again on the next request. */
export function clientScript(): Promise<string> {
  cached ??= buildClientScript().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
