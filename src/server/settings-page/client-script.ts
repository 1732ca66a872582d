import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The page's script: the browser/ modules, in dependency order, each wrapped in a
 * function that gives it `exports` and a `require` for its sibling modules. That is all
 * the CommonJS that tsc emits for them needs, so no bundler is involved.
 *
 * Built (dist/), the modules are the .js files `npm run build` wrote beside this one.
 * Run from the TypeScript sources (jest, tsx), there are none, so they are compiled here
 * with the TypeScript compiler as `npm run build` would; that path never runs in
 * production, where TypeScript is not installed.
 */
const MODULES = ['settings-model', 'settings-client'] as const;
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

export async function buildClientScript(): Promise<string> {
  const parts = await Promise.all(
    MODULES.map(async (name) => {
      // A source map comment would send the browser looking for a file that is not served.
      const code = (await moduleSource(name)).replace(/^\/\/# sourceMappingURL=.*$/m, '');
      return `// --- ${name} ---\n(function (exports, require) {\n${code}\n})(modules['./${name}'] = {}, load);`;
    }),
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
