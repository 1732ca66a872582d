import fc from 'fast-check';
import demoMapping from '../../config/demo-mapping.json';
import { type MappingDocument, parseMappingDocument } from '../../src/config/mapping-document';
import {
  DEMO_CONTRACT_ID,
  DEMO_ONEFLOW_TOKEN,
  oneflowDemoSeed,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  startSuperOfficeEmulator,
} from '../../src/emulators/superoffice';
import { OneflowClient } from '../../src/oneflow/client';
import { SuperOfficeClient } from '../../src/superoffice/client';
import {
  ADMIN_TOKEN,
  bodyText,
  checkAnswer,
  expectedManualStart,
  type FuzzedApp,
  type FuzzFigure,
  idSegment,
  runProperty,
  startFuzzedApp,
  validMappingDocument,
} from './fuzz';

/**
 * The fuzzing of POST /api/contracts/{id}/preview, with both emulators behind it, since a
 * preview reads Oneflow and SuperOffice for real: any path id and any body is answered 2xx
 * or 4xx with a message, never a 5xx; SuperOffice's request log shows reads only; and the
 * mapping document in a body is never saved. Shared, like ./fuzz, by the quick run in
 * `npm test` and the long one in the reliability suite.
 */

const demo = (): MappingDocument => structuredClone(demoMapping) as MappingDocument;
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
/** The contracts the Oneflow emulator has: these are previewed (200), any other id is a 404. */
const KNOWN_CONTRACTS = new Set((oneflowDemoSeed.contracts ?? []).map((c) => c.id));

const isReadOnly = (r: { method: string; path: string }) =>
  r.method === 'GET' || (r.method === 'POST' && /\/Agents\/Quote\/Get\w+$/.test(r.path));

const jsonOf = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export function describePreviewFuzzing(title: string, numRuns: number): void {
  describe(title, () => {
    let oneflow: RunningOneflowEmulator;
    let superoffice: RunningSuperOfficeEmulator;
    let fuzzed: FuzzedApp;
    /** How many SuperOffice requests the cases made. */
    let seen = 0;
    const figures: FuzzFigure[] = [];
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);

    beforeAll(async () => {
      process.on('unhandledRejection', onRejection);
      // Oneflow's documented 2000 requests per 5 minutes would turn the long run's later
      // cases into 429s (503 here): the limit is tested elsewhere, the inputs here.
      [oneflow, superoffice] = await Promise.all([
        startOneflowEmulator({ webhookUrl: null, rateLimit: { enabled: false } }),
        startSuperOfficeEmulator(),
      ]);
      fuzzed = await startFuzzedApp({
        oneflow: new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN }),
        superoffice: new SuperOfficeClient({
          apiUrl: superoffice.apiUrl,
          accessToken: DEMO_SUPEROFFICE_TOKEN,
        }),
      });
    });

    afterAll(async () => {
      process.off('unhandledRejection', onRejection);
      await fuzzed?.close();
      await oneflow?.close();
      await superoffice?.close();
      const cases = figures.reduce((n, f) => n + f.cases, 0);
      process.stderr.write(`\n  [fuzz] preview total: ${cases} cases\n`);
    });

    afterEach(() => {
      expect(rejections).toEqual([]);
    });

    /** The SuperOffice requests since the last case: every one a read. */
    const expectNoWrite = () => {
      // Emptied after each case: filtering an ever longer log made the long run crawl.
      const requests = superoffice.control.requests();
      superoffice.control.clearRequests();
      seen += requests.length;
      for (const r of requests)
        expect({ method: r.method, path: r.path, readOnly: isReadOnly(r) }).toMatchObject({ readOnly: true });
    };

    it('POST /api/contracts/{id}/preview: any id is answered 2xx or 4xx, and writes nothing', async () => {
      const segment = fc.oneof(
        { arbitrary: idSegment, weight: 9 },
        { arbitrary: fc.constantFrom(...[...KNOWN_CONTRACTS].map(String)), weight: 1 },
      );
      await runProperty(
        'preview path id',
        fc.asyncProperty(segment, async (raw) => {
          const res = await fuzzed.send('POST', `/api/contracts/${raw}/preview`, undefined, AUTH);
          checkAnswer(res);
          const id = expectedManualStart(raw);
          const expected = id === null ? (raw === '' ? 404 : 400) : KNOWN_CONTRACTS.has(id) ? 200 : 404;
          expect(res.status).toBe(expected);
          if (res.status === 200)
            expect(JSON.parse(res.text)).toMatchObject({ contractId: id, document: 'stored' });
          expectNoWrite();
        }),
        numRuns,
        figures,
      );
      // The log was read at all: the previews of known contracts reached SuperOffice.
      expect(seen).toBeGreaterThan(0);
    });

    it('POST /api/contracts/{id}/preview: any body is answered 2xx or 4xx, a valid document is previewed unsaved, and nothing is written', async () => {
      const contentType = fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
      );
      await runProperty(
        'preview body',
        fc.asyncProperty(bodyText(validMappingDocument), contentType, async (text, type) => {
          await fuzzed.store.setMappingDocument(demo());
          const res = await fuzzed.send('POST', `/api/contracts/${DEMO_CONTRACT_ID}/preview`, text, {
            ...AUTH,
            'content-type': type,
          });
          checkAnswer(res);
          const json = type.startsWith('application/json');
          const parsed = json ? jsonOf(text) : undefined;
          const verdict = parseMappingDocument(parsed);
          if (res.status === 200) {
            const body = JSON.parse(res.text) as { contractId: number; document: string };
            expect(body.contractId).toBe(DEMO_CONTRACT_ID);
            // A document the parser refuses is never previewed as if it were one.
            if (body.document !== 'stored') expect(verdict.ok).toBe(true);
          } else if (verdict.ok && Buffer.byteLength(text) <= 1024 * 1024) {
            throw new Error(`a valid document was refused: ${res.status} ${res.text.slice(0, 300)}`);
          }
          // Not parsed as JSON, the body is no document: the stored one is previewed.
          if (!json) expect(res.status).toBe(200);
          expect(await fuzzed.store.getMappingDocument()).toEqual(demo());
          expectNoWrite();
        }),
        // Each valid document is a whole plan against the emulators (some twenty reads, about
        // 20 ms): a quarter of the cases keeps the quick run quick.
        Math.max(50, Math.ceil(numRuns / 4)),
        figures,
      );
    });
  });
}
