import { Agent, request, type Server } from 'node:http';
import fc from 'fast-check';
import demoMapping from '../../config/demo-mapping.json';
import {
  type MappingDocument,
  parseMappingDocument,
  parseMappingDocumentText,
} from '../../src/config/mapping-document';
import { createLogger } from '../../src/logging/logger';
import { InMemoryMappingStore, mappingDocumentVersion } from '../../src/mapping-store/mapping-store';
import type { OneflowClient } from '../../src/oneflow/client';
import { webhookSignature } from '../../src/oneflow/webhook';
import { adminRouter } from '../../src/server/admin-api';
import { createApp } from '../../src/server/app';
import { webhookRouter } from '../../src/server/webhooks';
import { SuperOfficeClient } from '../../src/superoffice/client';
import type { StartedRun, TemporalSyncStarter } from '../../src/temporal/sync-starter';

/**
 * Property-based fuzzing of what the service accepts from outside: the webhook body, the
 * admin API's bodies and path ids, and the mapping document parser. Shared by the quick
 * run in `npm test` and the long one in the reliability suite, which differ only in the
 * number of cases.
 *
 * The property everywhere: an answer of 2xx, or 4xx with a JSON error message; never a
 * 5xx, a thrown error or an unhandled rejection; and no write (a start, a saved document)
 * for anything that is not valid.
 */

export const SIGN_KEY = 'fuzz-sign-key';
export const ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdef';

// ---------------------------------------------------------------------------------------
// Values

/** Keys that have tripped up JavaScript object handling: prototype pollution and shadowing. */
const DANGEROUS_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'toJSON',
  'hasOwnProperty',
  'then',
];

const unicodeString = fc.string({ unit: 'binary', maxLength: 40 });
const oddKey = fc.oneof(fc.constantFrom(...DANGEROUS_KEYS), unicodeString);

/** Long enough to pass every body limit (256 kB for webhooks, 1 MB for the admin API). */
const hugeString = fc
  .tuple(fc.integer({ min: 1_000, max: 1_200_000 }), fc.constantFrom('x', 'é', '\u{1F600}', '"', '\\'))
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));

/** An object whose keys include `__proto__` and friends as own properties, as JSON.parse makes them. */
const objectWithOddKeys = fc
  .array(fc.tuple(oddKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 })
  .map((entries) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of entries)
      Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  });

const edgeValue = fc.constantFrom<unknown>(
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '0',
  '9001',
  '1e3',
  [],
  {},
  [null],
);

/** Any JSON value, weighted towards those that break handlers. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: edgeValue, weight: 3 },
  { arbitrary: unicodeString, weight: 2 },
  { arbitrary: objectWithOddKeys, weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

type Path = Array<string | number>;

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const own: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...own, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (typeof value === 'object' && value !== null) {
    return [...own, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  }
  return own;
}

function define(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Mutation {
  at: number;
  action: 'replace' | 'delete' | 'add-key' | 'wrap-in-array';
  key: string;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  action: fc.constantFrom('replace', 'delete', 'add-key', 'wrap-in-array'),
  key: oddKey,
  value: oddValue,
});

/** `valid` with a few of its fields replaced, removed, wrapped or joined by odd keys. */
export function nearValid(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([base, mutations]) => {
    const root = { doc: structuredClone(base) } as Record<string, unknown>;
    for (const m of mutations) {
      const paths = pathsOf(root.doc, ['doc']);
      const path =
        m.action === 'add-key'
          ? [['doc'] as Path, ...paths][m.at % (paths.length + 1)]!
          : paths[m.at % paths.length];
      if (!path) continue;
      const parent = path
        .slice(0, -1)
        .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], root) as Record<
        string | number,
        unknown
      >;
      const last = path.at(-1)!;
      const here = parent[last];
      if (m.action === 'replace') define(parent, last, structuredClone(m.value));
      else if (m.action === 'wrap-in-array') define(parent, last, [here]);
      else if (m.action === 'delete') {
        if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
        else delete parent[last];
      } else if (typeof here === 'object' && here !== null && !Array.isArray(here)) {
        define(here as Record<string, unknown>, m.key, structuredClone(m.value));
      }
    }
    return root.doc;
  });
}

// ---------------------------------------------------------------------------------------
// Valid inputs, to mutate

const contractId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });

export const validWebhook = fc
  .record({
    contractId,
    callbackId: fc.oneof(fc.uuid(), fc.string({ unit: 'binary', minLength: 1, maxLength: 30 })),
    events: fc.array(
      fc.record({
        id: fc.integer(),
        type: fc.constantFrom('contract:sign', 'contract:publish', 'contract:signature_reset'),
        created_time: fc.constant('2026-11-25T10:00:00.000Z'),
      }),
      { maxLength: 4 },
    ),
  })
  .map(({ contractId: id, callbackId, events }) => ({
    contract: { id },
    callback_id: callbackId,
    events,
    signature: webhookSignature(callbackId, SIGN_KEY),
  }));

const demo = (): MappingDocument => structuredClone(demoMapping) as MappingDocument;

export const validMappingDocument: fc.Arbitrary<unknown> = fc
  .tuple(fc.subarray(demo().mappings), fc.boolean(), fc.boolean())
  .map(([mappings, dataFields, products]) => ({ ...demo(), smartSync: { dataFields, products }, mappings }));

const DEEP = '"__deep__"';

/**
 * `valid` as text with one of its values nested as deep as the body limits allow, where
 * recursion overflows the stack. Built as text, since no generated value may be that deep:
 * fast-check's own reporting recurses through it.
 */
function deepText(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.nat(), fc.integer({ min: 1_000, max: 100_000 }), fc.boolean())
    .map(([base, at, depth, arrays]) => {
      const root = { doc: structuredClone(base) } as Record<string, unknown>;
      const paths = pathsOf(root.doc, ['doc']);
      const path = paths[at % paths.length] ?? ['doc'];
      const parent = path
        .slice(0, -1)
        .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], root) as Record<
        string | number,
        unknown
      >;
      define(parent, path.at(-1)!, JSON.parse(DEEP));
      const deep = arrays
        ? `${'['.repeat(depth)}${']'.repeat(depth)}`
        : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      return JSON.stringify(root.doc).replace(DEEP, deep);
    });
}

/** Whole bodies as text: JSON of odd and near-valid values, and text that is no JSON at all. */
export function bodyText(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: nearValid(valid).map((v) => JSON.stringify(v) ?? ''), weight: 6 },
    { arbitrary: valid.map((v) => JSON.stringify(v) ?? ''), weight: 1 },
    { arbitrary: oddValue.map((v) => JSON.stringify(v) ?? ''), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
    { arbitrary: deepText(valid), weight: 1 },
    {
      arbitrary: fc.tuple(valid, fc.nat()).map(([v, cut]) => {
        const text = JSON.stringify(v);
        return text.slice(0, cut % (text.length + 1));
      }),
      weight: 1,
    },
  );
}

// ---------------------------------------------------------------------------------------
// The app, in process, behind one HTTP server with keep-alive

export class RecordingStarter {
  webhookStarts: Array<[number, number, string]> = [];
  manualStarts: number[] = [];
  async startFromWebhook(contract: number, event: number, callbackId: string): Promise<StartedRun> {
    this.webhookStarts.push([contract, event, callbackId]);
    return { workflowId: `w-${contract}-${event}`, runId: 'r', link: 'l', duplicate: false };
  }
  async startManual(contract: number): Promise<StartedRun> {
    this.manualStarts.push(contract);
    return { workflowId: `w-${contract}-manual`, runId: 'r', link: 'l', duplicate: false };
  }
}

export interface FuzzedApp {
  starter: RecordingStarter;
  store: InMemoryMappingStore;
  send(
    method: string,
    path: string,
    body?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; contentType: string; text: string }>;
  close(): Promise<void>;
}

/** With `clients`, the admin API reads Oneflow and SuperOffice through them (the preview's fuzzing). */
export async function startFuzzedApp(
  clients: { oneflow?: OneflowClient; superoffice?: SuperOfficeClient } = {},
): Promise<FuzzedApp> {
  const logger = createLogger('silent');
  const starter = new RecordingStarter();
  const store = new InMemoryMappingStore(demo());
  const app = createApp({
    logger,
    health: { temporalReachable: async () => true, workersRunning: () => true },
    routers: [
      webhookRouter({ starter, signKey: SIGN_KEY, logger }),
      adminRouter({
        starter: starter as unknown as TemporalSyncStarter,
        store,
        // Nothing listens on port 1: the catalog check fails at once, and a valid document
        // is saved with a warning, which is the 2xx path the property needs.
        superoffice:
          clients.superoffice ??
          new SuperOfficeClient({ apiUrl: 'http://127.0.0.1:1/api', accessToken: 't' }),
        ...(clients.oneflow ? { oneflow: clients.oneflow } : {}),
        adminToken: ADMIN_TOKEN,
        logger,
      }),
    ],
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    starter,
    store,
    send: (method, path, body, headers = {}) =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            agent,
            headers: { 'content-type': 'application/json', ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                contentType: String(res.headers['content-type'] ?? ''),
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The answer every input must get: 2xx, or 4xx with a JSON `error` message. */
const answers = new Map<number, number>();

export function checkAnswer(res: { status: number; contentType: string; text: string }): void {
  answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
  const what = `${res.status} ${res.text.slice(0, 300)}`;
  if (res.status >= 200 && res.status < 300) {
    if (!res.contentType.startsWith('application/json')) throw new Error(`2xx without JSON: ${what}`);
    JSON.parse(res.text);
    return;
  }
  if (res.status < 400 || res.status >= 500) throw new Error(`neither 2xx nor 4xx: ${what}`);
  if (!res.contentType.startsWith('application/json')) throw new Error(`4xx without JSON: ${what}`);
  const body = JSON.parse(res.text) as { error?: unknown };
  if (typeof body.error !== 'string' || body.error.length === 0)
    throw new Error(`4xx without a message: ${what}`);
}

// ---------------------------------------------------------------------------------------
// Oracles, written apart from the code under test

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The starts a webhook body must cause: none unless it is a well-formed, correctly signed one. */
export function expectedWebhookStarts(body: unknown): Array<[number, number, string]> {
  if (!isRecord(body) || !isRecord(body.contract)) return [];
  const id = body.contract.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return [];
  const cb = body.callback_id;
  if (typeof cb !== 'string' || cb.length === 0) return [];
  if (typeof body.signature !== 'string' || body.signature.toLowerCase() !== webhookSignature(cb, SIGN_KEY)) {
    return [];
  }
  const events = body.events;
  if (!Array.isArray(events)) return [];
  const wellFormed = events.every(
    (e) =>
      isRecord(e) &&
      typeof e.id === 'number' &&
      Number.isSafeInteger(e.id) &&
      typeof e.type === 'string' &&
      e.type.length > 0 &&
      typeof e.created_time === 'string',
  );
  if (!wellFormed) return [];
  return (events as Array<{ id: number; type: string }>)
    .filter((e) => e.type === 'contract:sign')
    .map((e) => [id, e.id, cb]);
}

/** What the router sees of a path segment, or null when it cannot be decoded. */
function decodedSegment(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export function expectedManualStart(rawSegment: string): number | null {
  const id = decodedSegment(rawSegment);
  return id !== null && /^\d{1,15}$/.test(id) && Number(id) > 0 ? Number(id) : null;
}

/** Percent-encodes every byte but the unreserved ones, lone surrogates included (as U+FFFD). */
export function encodeSegment(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

/** A path segment as a client might send it: encoded, or raw with stray `%`, dots and digits. */
export const idSegment: fc.Arbitrary<string> = fc.oneof(
  fc.nat({ max: 2 ** 31 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
  fc.constantFrom('0', '00', '-1', '1.5', '1e3', '0x10', ' 1', '1 ', '١٢٣').map(encodeSegment),
  fc.constantFrom('.', '..', '%', '%2', '%zz', '%00', '%2F', '%31', '%E2%82'),
  fc.string({ unit: 'binary', maxLength: 60 }).map(encodeSegment),
  fc.string({
    unit: fc.constantFrom(..."0123456789%.-_~!$&'()*+,;=:@aZ".split('')),
    minLength: 1,
    maxLength: 40,
  }),
  // Request lines beyond Node's header limit (16 kB) never reach express; stay below it.
  fc.integer({ min: 100, max: 4_000 }).map((n) => '9'.repeat(n)),
);

// ---------------------------------------------------------------------------------------
// Running a property and reporting its figure

export interface FuzzFigure {
  property: string;
  cases: number;
  failures: number;
  seed: number;
}

export async function runProperty<Ts>(
  name: string,
  property: fc.IRawProperty<Ts>,
  numRuns: number,
  figures: FuzzFigure[],
): Promise<void> {
  answers.clear();
  // FUZZ_SEED replays a reported failure.
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  const details = await fc.check(property, {
    numRuns,
    endOnFailure: true,
    ...(seed === undefined ? {} : { seed }),
  });
  // Which answers the cases got, so a run that only ever reached one (every case a 400) shows.
  const tally = [...answers.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(', ');
  figures.push({
    property: name,
    cases: details.numRuns,
    failures: details.failed ? 1 : 0,
    seed: details.seed,
  });
  process.stderr.write(
    `\n  [fuzz] ${name}: ${details.numRuns} cases, ${details.failed ? 1 : 0} failures (seed ${details.seed})` +
      `${tally ? `; answers ${tally}` : ''}\n`,
  );
  if (details.failed) {
    // Counterexamples can be megabytes long (huge strings, deep nesting): show their start.
    const example = JSON.stringify(details.counterexample)?.slice(0, 600);
    const error =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${name} failed after ${details.numRuns} cases (seed ${details.seed}, path "${details.counterexamplePath}"):\n` +
        `${error.slice(0, 1_500)}\ncounterexample: ${example}`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// The suite

const demoTag = (doc: unknown) => JSON.stringify(doc);

/**
 * Defines the fuzzing tests with `numRuns` cases per property. The figures are printed,
 * one line per property, for BENCHMARKS.md.
 */
export function describeFuzzing(title: string, numRuns: number): void {
  describe(title, () => {
    let fuzzed: FuzzedApp;
    const figures: FuzzFigure[] = [];
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

    beforeAll(async () => {
      process.on('unhandledRejection', onRejection);
      fuzzed = await startFuzzedApp();
    });

    afterAll(async () => {
      process.off('unhandledRejection', onRejection);
      await fuzzed?.close();
      const cases = figures.reduce((n, f) => n + f.cases, 0);
      const failures = figures.reduce((n, f) => n + f.failures, 0);
      process.stderr.write(`\n  [fuzz] total: ${cases} cases, ${failures} failures\n`);
    });

    afterEach(() => {
      expect(rejections).toEqual([]);
      // Nothing a body carried (`__proto__`, `constructor`) reached the prototype every object shares.
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    const jsonOf = (text: string): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    };

    it('POST /webhooks/oneflow: any body is answered 2xx or 4xx, and only a valid signed one starts a sync', async () => {
      await runProperty(
        'webhook body',
        fc.asyncProperty(bodyText(validWebhook), async (text) => {
          fuzzed.starter.webhookStarts = [];
          const res = await fuzzed.send('POST', '/webhooks/oneflow', text);
          checkAnswer(res);
          // Past the route's 256 kB limit the body is refused unread.
          const expected = Buffer.byteLength(text) > 256 * 1024 ? [] : expectedWebhookStarts(jsonOf(text));
          expect(fuzzed.starter.webhookStarts).toEqual(expected);
          if (expected.length > 0) expect(res.status).toBe(200);
        }),
        numRuns,
        figures,
      );
    });

    it('PUT /api/config: any body is answered 2xx or 4xx, and only a valid document is saved', async () => {
      const ifMatch = fc.oneof(
        fc.constant(undefined),
        fc.constant('*'),
        fc.constant('current'),
        fc.string({ unit: fc.constantFrom(...'"*, W/abc019'.split('')), maxLength: 40 }),
      );
      const contentType = fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
      );
      await runProperty(
        'PUT /api/config body',
        fc.asyncProperty(bodyText(validMappingDocument), ifMatch, contentType, async (text, match, type) => {
          await fuzzed.store.setMappingDocument(demo());
          const before = demoTag(await fuzzed.store.getMappingDocument());
          const headers: Record<string, string> = {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            'content-type': type,
          };
          // The ETag of the stored document, as an admin who loaded it sends it back.
          if (match === 'current') headers['if-match'] = `"${mappingDocumentVersion(demo())}"`;
          else if (match !== undefined) headers['if-match'] = match;
          const res = await fuzzed.send('PUT', '/api/config', text, headers);
          checkAnswer(res);
          const after = await fuzzed.store.getMappingDocument();
          const parsed = type.startsWith('application/json') ? jsonOf(text) : undefined;
          const verdict = parseMappingDocument(parsed);
          if (res.status >= 200 && res.status < 300) {
            expect(verdict.ok).toBe(true);
            expect(after).toEqual(verdict.ok ? verdict.value : 'a valid document');
          } else {
            expect(demoTag(after)).toBe(before);
            const matches = headers['if-match'] === undefined || match === 'current' || match === '*';
            // Past the API's 1 MB limit the body is refused unread.
            if (verdict.ok && matches && Buffer.byteLength(text) <= 1024 * 1024) {
              throw new Error(`a valid document was refused: ${res.status} ${res.text.slice(0, 300)}`);
            }
          }
        }),
        numRuns,
        figures,
      );
    });

    it('POST /api/contracts/{id}/resync: any id is answered 2xx or 4xx, and only a contract id starts a run', async () => {
      await runProperty(
        'resync path id',
        fc.asyncProperty(idSegment, async (segment) => {
          fuzzed.starter.manualStarts = [];
          const res = await fuzzed.send('POST', `/api/contracts/${segment}/resync`, undefined, {
            authorization: `Bearer ${ADMIN_TOKEN}`,
          });
          checkAnswer(res);
          const expected = expectedManualStart(segment);
          expect(fuzzed.starter.manualStarts).toEqual(expected === null ? [] : [expected]);
          // An empty segment is another path, which no route serves.
          expect(res.status).toBe(expected !== null ? 202 : segment === '' ? 404 : 400);
        }),
        numRuns,
        figures,
      );
    });

    it('parseMappingDocument and parseMappingDocumentText: any input is a document or a list of messages, never a throw', async () => {
      const check = (result: ReturnType<typeof parseMappingDocument>) => {
        if (result.ok) {
          // A parsed document is its own fixed point: saving and loading it changes nothing.
          expect(parseMappingDocument(JSON.parse(JSON.stringify(result.value)))).toEqual(result);
        } else {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(typeof e === 'string' && e.length > 0).toBe(true);
        }
      };
      await runProperty(
        'mapping document parser',
        fc.property(
          fc.oneof(nearValid(validMappingDocument), oddValue),
          bodyText(validMappingDocument),
          (value, text) => {
            check(parseMappingDocument(value));
            check(parseMappingDocumentText(text));
          },
        ),
        numRuns,
        figures,
      );
    });
  });
}
