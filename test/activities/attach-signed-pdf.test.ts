import { attachSignedPdfActivity } from '../../src/activities/attach-signed-pdf';
import { withCallRetries } from '../../src/activities/retry-transient-calls';
import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { createLogger } from '../../src/logging/logger';
import { OneflowClient } from '../../src/oneflow/client';
import type { SignedPdfAttachment } from '../../src/workflow-contract';
import { useEmulator } from '../superoffice/client-harness';
import { activityEnv, failureOf } from './activity-env';

/**
 * attachSignedPdf in an activity context, against both emulators over HTTP: the bytes go
 * from Oneflow's storage URL to the Document's content, a retry of an attempt that created
 * the Document files no second one, and a PDF over the limit is refused before anything is
 * created.
 */
const so = useEmulator();
let oneflow: RunningOneflowEmulator;

beforeAll(async () => {
  oneflow = await startOneflowEmulator({ port: 0, webhookUrl: null });
});
afterAll(async () => {
  await oneflow?.close();
});
beforeEach(async () => {
  await fetch(`${oneflow.origin}/_emulator/faults`, { method: 'DELETE' });
});

const attachment = (over: Partial<SignedPdfAttachment> = {}): SignedPdfAttachment => ({
  contractId: 9001,
  saleId: 2001,
  companyId: 101,
  personId: 301,
  documentTemplateId: 4,
  marker: '[Smart sync] Signed PDF of Oneflow contract 9001, signed 2026-12-01T10:00:00Z',
  maxBytes: 25 * 1024 * 1024,
  date: '2026-12-01T10:00:00Z',
  ...over,
});

const activity = () =>
  attachSignedPdfActivity({
    superoffice: withCallRetries(so.client),
    oneflow: new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN }),
    logger: createLogger('silent'),
  });

const documents = async () =>
  (await (await fetch(`${so.emu.origin}/_emulator/documents`)).json()) as Array<{
    DocumentId: number;
    Header: string;
    Name: string;
    SaleId: number;
    ContactId: number;
    PersonId: number;
    DocumentTemplateId: number;
    Description: string;
  }>;
const bytes = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

describe('attachSignedPdf', () => {
  it('files the signed PDF, byte for byte, as a Document on the Sale, its Company and the Contact', async () => {
    const result = await activityEnv().run(activity(), attachment());
    const [doc, ...more] = await documents();
    expect(more).toEqual([]);
    expect(doc).toMatchObject({
      Header: 'Office furniture – Nordlys Interiør',
      Name: 'Office furniture – Nordlys Interiør.pdf',
      SaleId: 2001,
      ContactId: 101,
      PersonId: 301,
      DocumentTemplateId: 4,
      Description: attachment().marker,
    });
    const pdf = await bytes(`${oneflow.origin}/_emulator/contracts/9001/files/contract`);
    expect(await bytes(`${so.emu.origin}/_emulator/documents/${doc!.DocumentId}/content`)).toEqual(pdf);
    expect(result).toEqual({
      type: 'Document',
      id: doc!.DocumentId,
      name: 'Office furniture – Nordlys Interiør',
      status: 'updated',
      properties: [
        {
          property: 'Signed PDF',
          status: 'written',
          display: expect.stringMatching(
            /^Office furniture – Nordlys Interiør\.pdf \(.+\), filed on Sale 2001$/,
          ),
          source: 'Oneflow contract 9001',
        },
      ],
    });
  });

  it('finds the Document its earlier attempt created instead of filing a second one', async () => {
    await activityEnv().run(activity(), attachment());
    const [first] = await documents();
    // The next attempt, after the first one's answer was lost: its heartbeat said it was creating.
    const retried = await activityEnv({ attempt: 2, heartbeatDetails: { creating: true } }).run(
      activity(),
      attachment(),
    );
    expect(await documents()).toHaveLength(1);
    expect(retried).toMatchObject({ id: first!.DocumentId, status: 'updated' });
  });

  it('reports a later run of the same signing as already filed, and files a new signing again', async () => {
    await activityEnv().run(activity(), attachment());
    const again = await activityEnv().run(activity(), attachment());
    expect(again).toMatchObject({ type: 'Document', status: 'unchanged' });
    expect(await documents()).toHaveLength(1);
    await activityEnv().run(activity(), attachment({ marker: `${attachment().marker} (signed again)` }));
    expect(await documents()).toHaveLength(2);
  });

  it("stores the content of this signing's Document when an earlier attempt created it but stored nothing", async () => {
    // As if an attempt died between the POST and the PUT, and its heartbeat never arrived.
    const created = await so.client.createDocument({
      Header: 'Office furniture – Nordlys Interiør',
      Name: 'Office furniture – Nordlys Interiør.pdf',
      Description: attachment().marker,
      DocumentTemplate: { DocumentTemplateId: 4 },
      Sale: { SaleId: 2001 },
    });
    const result = await activityEnv({ attempt: 2 }).run(activity(), attachment());
    expect(result).toMatchObject({ id: created.DocumentId, status: 'updated' });
    expect(await documents()).toHaveLength(1);
    const pdf = await bytes(`${oneflow.origin}/_emulator/contracts/9001/files/contract`);
    expect(await bytes(`${so.emu.origin}/_emulator/documents/${created.DocumentId}/content`)).toEqual(pdf);
  });

  it('refuses a PDF over the limit with its size, creating nothing in SuperOffice', async () => {
    const result = await activityEnv().run(activity(), attachment({ maxBytes: 100 }));
    expect(result).toMatchObject({ type: 'Document', id: null, status: 'failed' });
    expect(result.error).toMatch(/^the signed PDF is .+ or more, over the limit of 100 bytes/);
    expect(await documents()).toEqual([]);
  });

  it('fails for good when Oneflow has no such contract, and retryably while its storage answers 503', async () => {
    const missing = await failureOf(activityEnv().run(activity(), attachment({ contractId: 4242 })));
    expect(missing).toMatchObject({ type: 'NotFound', nonRetryable: true });
    await fetch(`${oneflow.origin}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: '/_storage/**', status: 503 }),
    });
    const down = await failureOf(activityEnv().run(activity(), attachment()));
    expect(down).toMatchObject({ type: 'ServerError', nonRetryable: false });
    expect(await documents()).toEqual([]);
  });
});
