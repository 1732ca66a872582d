import { DEMO_CONTRACT_ID, DEMO_DRAFT_CONTRACT_ID, oneflowDemoSeed } from '../../src/emulators/oneflow';
import { superofficeDemoSeed } from '../../src/emulators/superoffice';
import { ADMIN, demoMappingDocument, startSyncStack, type SyncStack } from '../support/sync-stack';

const SUCCESS =
  '[Smart sync] Successfully updated the properties of the following SuperOffice resource types:';
const FAILURE = '[Smart sync] Failed to update the properties of the following SuperOffice resource types:';

let stack: SyncStack;

beforeAll(async () => {
  stack = await startSyncStack();
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  // Fresh demo data in both emulators and the demo mapping, for every test.
  // Oneflow's contracts are put back rather than reset: its event ids keep counting up,
  // as the real ones do, so each signing is a new event (and a new sync).
  const demo = stack.service.demo!;
  for (const contract of oneflowDemoSeed.contracts ?? []) demo.oneflowEmulator.emulator.putContract(contract);
  await fetch(`${stack.superofficeOrigin}/_emulator/reset`, { method: 'POST' });
  const seeded = await fetch(`${stack.superofficeOrigin}/_emulator/seed`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(superofficeDemoSeed),
  });
  expect(seeded.status).toBe(200);
  await stack.service.store.setMappingDocument(demoMappingDocument());
});

/** The demo contract as a plain object a test may change before putting it back. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a seed document edited freely in tests
const demoContract = (): any => structuredClone(oneflowDemoSeed.contracts![0]!);

const sale = async (id = 2001) => (await stack.superoffice()).sales.find((s) => s.SaleId === id)!;
const company = async (id = 101) => (await stack.superoffice()).contacts.find((c) => c.ContactId === id)!;
const person = async (id: number) => (await stack.superoffice()).persons.find((p) => p.PersonId === id)!;
const activitiesOf = async (saleId = 2001) =>
  (await stack.superoffice()).appointments.filter(
    (a) => (a.Sale as { SaleId?: number } | undefined)?.SaleId === saleId,
  );
const custom = (entity: Record<string, unknown>, key: string) =>
  (entity.CustomFields as Record<string, string>)[key];

describe('a signed contract, end to end through a real Temporal server', () => {
  it('writes every kind of mapping and records one success Activity', async () => {
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('succeeded');

    const s = await sale();
    expect(s.Number).toBe('PO-2026-0042');
    expect(custom(s, 'SuperOffice:1')).toBe('Nordlys ref 17');
    expect(custom(s, 'SuperOffice:2')).toBe('[D:2026.12.15]');
    expect(custom(s, 'SuperOffice:3:DisplayText')).toBe('Freight');
    const c = await company();
    expect(c.OrgNr).toBe('987654321');
    expect(custom(c, 'SuperOffice:1')).toBe('[I:1]');
    expect((await person(301)).Title).toBe('Head of Purchasing');
    expect((await person(302)).Title).toBe('Office manager');
    expect(custom(await person(302), 'SuperOffice:4')).toBe('[I:43]');

    const activities = await activitiesOf();
    expect(activities).toHaveLength(1);
    expect(activities[0]!.Description).toMatch(
      new RegExp(`^${escape(SUCCESS)} Sale, Company, Contact, Products\\.`),
    );
  });

  it('updates the quote lines with SuperOffice arithmetic and moves the Sale amount', async () => {
    const { result } = await stack.signAndWait();
    expect(result.resources.find((r) => r.type === 'Products')?.status).toBe('updated');
    const state = await stack.superoffice();
    const lines = state.quoteLines as Array<{
      ERPProductKey: string;
      Quantity: number;
      DiscountPercent: number;
      DiscountAmount: number;
      TotalPrice: number;
    }>;
    const desk = lines.find((l) => l.ERPProductKey === 'DESK-01')!;
    expect(desk).toMatchObject({
      Quantity: 12,
      DiscountPercent: 10,
      DiscountAmount: 5400,
      TotalPrice: 48600,
    });
    const lamp = lines.find((l) => l.ERPProductKey === 'LAMP-03')!;
    expect(lamp).toMatchObject({ Quantity: 8, DiscountAmount: 400, TotalPrice: 3200 });
    // 48600 + 12 × 2200 + 3200
    expect((await sale()).Amount).toBe(78200);
  });

  it('starts one sync for duplicate deliveries of one event', async () => {
    // A real signing (its event is one of the contract's in Oneflow), delivered by the
    // emulator once and by the test five more times at once.
    const { delivery } = stack.service.demo!.oneflowEmulator.emulator.sign(DEMO_CONTRACT_ID);
    const body = delivery.body;
    const ofThisEvent = async () =>
      (await stack.runs(DEMO_CONTRACT_ID)).filter((r) => r.workflowId.endsWith(`event-${delivery.eventId}`));
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${stack.service.url}/webhooks/oneflow`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await stack.service.demo!.oneflowEmulator.settled();
    let workflowId = '';
    await eventually(async () => {
      const runs = await ofThisEvent();
      expect(runs).toHaveLength(1);
      workflowId = runs[0]!.workflowId;
    });
    expect((await stack.waitForResult(workflowId)).outcome).toBe('succeeded');
    // And once more after it finished: still no second run.
    const again = await fetch(`${stack.service.url}/webhooks/oneflow`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'already-accepted' });
    expect(await ofThisEvent()).toHaveLength(1);
  });

  it('syncs again when the contract is signed again after a signature reset', async () => {
    const first = await stack.signAndWait();
    stack.service.demo!.oneflowEmulator.signatureReset(DEMO_CONTRACT_ID);
    await stack.service.demo!.oneflowEmulator.settled();
    const second = await stack.signAndWait();
    expect(second.workflowId).not.toBe(first.workflowId);
    expect(second.result.outcome).toBe('unchanged');
  });

  it('writes no property with Data fields off, and says so', async () => {
    const doc = demoMappingDocument();
    doc.smartSync.dataFields = false;
    await stack.service.store.setMappingDocument(doc);
    const { result } = await stack.signAndWait();
    expect((await sale()).Number).toBe('');
    expect((await company()).OrgNr).toBe('');
    expect(result.resources.map((r) => r.type)).toEqual(['Products']);
    const [activity] = await activitiesOf();
    expect(activity!.Description).toMatch(new RegExp(`^${escape(SUCCESS)} Products\\.`));
    expect(activity!.Description).toContain('Data fields are off');
  });

  it('touches no quote line with Products off, and says so', async () => {
    const doc = demoMappingDocument();
    doc.smartSync.products = false;
    await stack.service.store.setMappingDocument(doc);
    const linesBefore = (await stack.superoffice()).quoteLines;
    await stack.signAndWait();
    expect((await stack.superoffice()).quoteLines).toEqual(linesBefore);
    const [activity] = await activitiesOf();
    expect(activity!.Description).toMatch(new RegExp(`^${escape(SUCCESS)} Sale, Company, Contact\\.`));
    expect(activity!.Description).toContain('Products are off');
  });

  it('reports a participant with no Contact in SuperOffice, and updates the rest', async () => {
    const contract = demoContract();
    contract.parties[1].participants[1].email = 'new.person@nordlys.example';
    stack.service.demo!.oneflowEmulator.emulator.putContract(contract as never);
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('partially_failed');
    expect((await sale()).Number).toBe('PO-2026-0042');
    const failure = (await activitiesOf()).find((a) => a.Description!.startsWith(FAILURE))!;
    expect(failure.Description).toMatch(new RegExp(`^${escape(FAILURE)} Contact\\.`));
    expect(failure.Description).toContain('new.person@nordlys.example');
  });

  it('reports a product the quote does not have', async () => {
    const contract = demoContract();
    contract.product_groups[0].products.push({
      custom_id: 'SOFA-09',
      name: 'Lounge sofa',
      quantity: 1,
      price_1: { base: 9900 },
    });
    stack.service.demo!.oneflowEmulator.emulator.putContract(contract as never);
    const { result } = await stack.signAndWait();
    const products = result.resources.find((r) => r.type === 'Products')!;
    expect(products.properties.find((p) => p.property === 'Lounge sofa')).toMatchObject({ status: 'failed' });
    const failure = (await activitiesOf()).find((a) => a.Description!.startsWith(FAILURE))!;
    expect(failure.Description).toMatch(new RegExp(`^${escape(FAILURE)} Products\\.`));
    expect(failure.Description).toContain('Lounge sofa');
  });

  it('fails one value that cannot be converted without blocking the others', async () => {
    const contract = demoContract();
    contract.data_fields.find((f: { custom_id: string }) => f.custom_id === 'delivery_date').value =
      'next tuesday';
    stack.service.demo!.oneflowEmulator.emulator.putContract(contract as never);
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('partially_failed');
    const s = await sale();
    expect(s.Number).toBe('PO-2026-0042');
    expect(custom(s, 'SuperOffice:2')).not.toBe('[D:2026.12.15]');
    const failure = (await activitiesOf()).find((a) => a.Description!.startsWith(FAILURE))!;
    expect(failure.Description).toMatch(new RegExp(`^${escape(FAILURE)} Sale\\.`));
    expect(failure.Description).toContain('next tuesday');
  });

  it('skips a read-only property even when it is mapped', async () => {
    const doc = demoMappingDocument();
    doc.mappings.push({ object: 'Sale', property: 'SuperOffice:6', dataField: 'p2_shoe_size' });
    await stack.service.store.setMappingDocument(doc);
    const before = custom(await sale(), 'SuperOffice:6');
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('succeeded');
    expect(custom(await sale(), 'SuperOffice:6')).toBe(before);
    const saleResult = result.resources.find((r) => r.type === 'Sale')!;
    expect(saleResult.properties.find((p) => p.property === 'SuperOffice:6')).toMatchObject({
      status: 'skipped',
    });
  });

  it('fails a Company that answers 404 at once, and still updates the others', async () => {
    await stack.fault(stack.superofficeOrigin, {
      method: 'PATCH',
      path: '/Cust12345/api/v1/Contact/101',
      status: 404,
    });
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('partially_failed');
    expect((await sale()).Number).toBe('PO-2026-0042');
    expect((await person(301)).Title).toBe('Head of Purchasing');
    const patches = (await stack.requests(stack.superofficeOrigin)).filter(
      (r) => r.method === 'PATCH' && /\/Contact\/101$/.test(r.path),
    );
    expect(patches).toHaveLength(1);
    const activities = await activitiesOf();
    expect(activities).toHaveLength(2);
    expect(activities.map((a) => a.Description!.split('\n')[0])).toEqual([
      `${SUCCESS} Sale, Contact, Products.`,
      `${FAILURE} Company.`,
    ]);
  });

  it('retries transient 503s and 429s until they heal, and records exactly one Activity', async () => {
    await stack.fault(stack.superofficeOrigin, {
      method: 'PATCH',
      path: '/Cust12345/api/v1/Sale/2001',
      status: 503,
      times: 2,
    });
    await stack.fault(stack.superofficeOrigin, {
      method: 'PATCH',
      path: '/Cust12345/api/v1/Person/*',
      status: 429,
      retryAfterSeconds: 0,
      times: 2,
    });
    const { result } = await stack.signAndWait();
    expect(result.resources.filter((r) => r.status === 'failed')).toEqual([]);
    expect(result.outcome).toBe('succeeded');
    expect((await sale()).Number).toBe('PO-2026-0042');
    const salePatches = (await stack.requests(stack.superofficeOrigin)).filter(
      (r) => r.method === 'PATCH' && r.path.endsWith('/Sale/2001'),
    );
    expect(salePatches.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(await activitiesOf()).toHaveLength(1);
  });

  it('creates no duplicate Activity when the answer to its creation is lost', async () => {
    await stack.fault(stack.superofficeOrigin, {
      method: 'POST',
      path: '/Cust12345/api/v1/Appointment',
      dropResponse: true,
      times: 1,
    });
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('succeeded');
    const posts = (await stack.requests(stack.superofficeOrigin)).filter(
      (r) => r.method === 'POST' && r.path.endsWith('/Appointment'),
    );
    expect(posts).toHaveLength(1);
    expect(await activitiesOf()).toHaveLength(1);
    expect(result.appointments?.appointmentIds).toHaveLength(1);
  });

  it('answers the progress of a running sync, then its per-property result', async () => {
    await stack.fault(stack.superofficeOrigin, {
      method: 'PATCH',
      path: '/Cust12345/api/v1/Sale/2001',
      latencyMs: 1500,
      times: 1,
    });
    stack.service.demo!.oneflowEmulator.sign(DEMO_CONTRACT_ID);
    await stack.service.demo!.oneflowEmulator.settled();
    let workflowId = '';
    await eventually(async () => {
      const runs = await stack.runs(DEMO_CONTRACT_ID);
      expect(runs[0]?.outcome).toBe('running');
      workflowId = runs[0]!.workflowId;
    });
    await eventually(async () => {
      const running = (await (
        await fetch(`${stack.service.url}/api/runs/${workflowId}`, { headers: ADMIN })
      ).json()) as {
        status: string;
        progress?: { phase: string; saleId?: number };
      };
      expect(running).toMatchObject({ status: 'RUNNING', progress: { phase: 'updating', saleId: 2001 } });
    });
    await stack.waitForResult(workflowId);
    const done = (await (
      await fetch(`${stack.service.url}/api/runs/${workflowId}`, { headers: ADMIN })
    ).json()) as {
      result: {
        resources: Array<{
          type: string;
          properties: Array<{ property: string; status: string; display?: string }>;
        }>;
      };
    };
    expect(done.result.resources.find((r) => r.type === 'Sale')!.properties).toContainEqual(
      expect.objectContaining({ property: 'Number', status: 'written', display: 'PO-2026-0042' }),
    );
  });

  it('writes nothing for a contract that is not signed', async () => {
    const res = await fetch(`${stack.service.url}/api/contracts/${DEMO_DRAFT_CONTRACT_ID}/resync`, {
      method: 'POST',
      headers: ADMIN,
    });
    expect(res.status).toBe(202);
    const { workflowId } = (await res.json()) as { workflowId: string };
    const result = await stack.waitForResult(workflowId);
    expect(result.outcome).toBe('not_signed');
    const writes = (await stack.requests(stack.superofficeOrigin)).filter((r) => r.method !== 'GET');
    expect(writes).toEqual([]);
  });

  it('starts a new run on every manual re-run and lists them newest first with links', async () => {
    await stack.signAndWait();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${stack.service.url}/api/contracts/${DEMO_CONTRACT_ID}/resync`, {
        method: 'POST',
        headers: ADMIN,
      });
      const body = (await res.json()) as { workflowId: string; runId: string; link: string };
      expect(body.link).toContain(`/workflows/${body.workflowId}/${body.runId}/history`);
      ids.push(body.workflowId);
      await stack.waitForResult(body.workflowId);
    }
    expect(new Set(ids).size).toBe(2);
    // Visibility (what lists and search attributes read) trails the run by a moment.
    await eventually(async () => {
      const runs = await stack.runs(DEMO_CONTRACT_ID);
      expect(runs.slice(0, 2).map((r) => r.workflowId)).toEqual([ids[1], ids[0]]);
      expect(runs[0]).toMatchObject({ trigger: 'manual', outcome: 'unchanged' });
    });
    const detail = await fetch(`${stack.service.url}/api/runs/${ids[0]}`, { headers: ADMIN });
    expect(await detail.json()).toMatchObject({
      status: 'COMPLETED',
      result: { outcome: 'unchanged', trigger: 'manual' },
    });
  });
});

async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
