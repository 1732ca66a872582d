import { signWebhook } from '../../bench/bench-data';
import type { RequestLogEntry } from '../../src/emulators/control-plane';
import type { RunningService } from '../../src/runtime/service';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { demoMappingDocument } from '../support/sync-stack';
import {
  ADMIN,
  type Emulators,
  eventually,
  quietTemporalRuntime,
  report,
  runsOf,
  SIGN_KEY,
  startEmulators,
  startServiceFor,
  stepOptions,
} from './harness';
import type { SmartSyncResult } from '../../src/workflow-contract';

/**
 * Bad input of every kind the service meets: each is answered with an error that says
 * what is wrong, and none of it writes anything to SuperOffice (or to the settings).
 */
jest.setTimeout(120_000);

let emulators: Emulators;
let service: RunningService;
const figures: string[] = [];

beforeAll(async () => {
  quietTemporalRuntime();
  emulators = await startEmulators(4);
  const namespace = await createTestNamespace();
  service = await startServiceFor({ address: testTemporalTarget().address, namespace }, emulators, {
    steps: stepOptions({ initialIntervalMs: 50, maximumIntervalMs: 200, maximumAttempts: 3 }),
  });
});

afterAll(async () => {
  report('bad input', `\n    ${figures.join('\n    ')}`);
  await service?.stop();
  await emulators?.close();
});

const webhook = (body: string) =>
  fetch(`${service.url}/webhooks/oneflow`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  });

const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) =>
  fetch(`${service.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** SuperOffice writes made while `act` ran (and shortly after, for a sync it started). */
async function writesDuring(act: () => Promise<void>): Promise<RequestLogEntry[]> {
  const before = emulators.writes().length;
  await act();
  return emulators.writes().slice(before);
}

async function onlyRunOf(contractId: number): Promise<SmartSyncResult> {
  const runs = await eventually(async () => {
    const ids = await runsOf(service, contractId);
    if (ids.length === 0) throw new Error(`no run of contract ${contractId} is listed yet`);
    return ids;
  });
  expect(runs).toHaveLength(1);
  return (await service.client.workflow.getHandle(runs[0]!).result()) as SmartSyncResult;
}

const errorOf = async (res: Response) => JSON.stringify(await res.json());

it('answers malformed JSON with 400, saying so', async () => {
  let status = 0;
  let body = '';
  const writes = await writesDuring(async () => {
    const res = await webhook('{"contract": {"id": 500000}, "callback_id": ');
    status = res.status;
    body = await errorOf(res);
  });
  expect(status).toBe(400);
  expect(body).toMatch(/not valid JSON/);
  expect(writes).toEqual([]);
  figures.push(`malformed JSON → ${status} ${body}`);
});

it('answers an oversized body with 413', async () => {
  const hook = JSON.parse(signWebhook(emulators.contracts[0]!.contractId, 1, SIGN_KEY).body);
  hook.padding = 'x'.repeat(300 * 1024);
  const res = await webhook(JSON.stringify(hook));
  const body = await errorOf(res);
  expect(res.status).toBe(413);
  expect(body).toMatch(/too large/);
  expect(await runsOf(service, emulators.contracts[0]!.contractId)).toEqual([]);
  figures.push(`a 300 KB body → ${res.status} ${body}`);
});

it('answers a wrong signature with 401 and starts nothing', async () => {
  const contractId = emulators.contracts[0]!.contractId;
  const res = await webhook(signWebhook(contractId, 2, 'not-the-sign-key').body);
  const body = await errorOf(res);
  expect(res.status).toBe(401);
  expect(body).toMatch(/signature/);
  await new Promise((r) => setTimeout(r, 500));
  expect(await runsOf(service, contractId)).toEqual([]);
  figures.push(`a wrong signature → ${res.status} ${body}`);
});

it('syncs nothing for a contract Oneflow does not have, and says why', async () => {
  let result: SmartSyncResult | undefined;
  const writes = await writesDuring(async () => {
    const res = await webhook(signWebhook(999_999, 3, SIGN_KEY).body);
    expect(res.status).toBe(200);
    result = await onlyRunOf(999_999);
  });
  expect(result!.outcome).toBe('failed');
  expect(result!.notes.join(' ')).toMatch(/Oneflow has no contract 999999/);
  expect(writes).toEqual([]);
  figures.push(
    `an unknown contract → webhook 200, run outcome "${result!.outcome}": ${result!.notes.join(' ')}`,
  );
});

it('syncs nothing for a contract that is not signed, even when a webhook says it is', async () => {
  const contractId = emulators.contracts[1]!.contractId;
  let result: SmartSyncResult | undefined;
  const writes = await writesDuring(async () => {
    // A contract:sign event Oneflow has for the contract, while the contract itself is pending.
    const { delivery } = emulators.oneflow.emulator.emitEvent(contractId, 'contract:sign');
    const res = await webhook(JSON.stringify(delivery.body));
    expect(res.status).toBe(200);
    result = await onlyRunOf(contractId);
  });
  expect(result!.outcome).toBe('not_signed');
  expect(result!.notes.join(' ')).toMatch(/"pending" in Oneflow/);
  expect(writes).toEqual([]);
  figures.push(
    `an unsigned contract → webhook 200, run outcome "${result!.outcome}": ${result!.notes.join(' ')}`,
  );
});

it('refuses admin calls without the admin token, and changes nothing', async () => {
  const before = await service.store.getMappingDocument();
  const answers = await Promise.all([
    admin('GET', '/api/config', undefined, {}),
    admin('PUT', '/api/config', { ...demoMappingDocument(), mappings: [] }, {}),
    admin('POST', `/api/contracts/${emulators.contracts[2]!.contractId}/resync`, undefined, {}),
    admin('PUT', '/api/config', demoMappingDocument(), { Authorization: 'Bearer wrong-token' }),
  ]);
  expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
  const body = await errorOf(answers[0]!);
  expect(await service.store.getMappingDocument()).toEqual(before);
  expect(await runsOf(service, emulators.contracts[2]!.contractId)).toEqual([]);
  figures.push(`no admin token (GET/PUT /api/config, POST resync) or a wrong one → 401 ${body}`);
});

it('refuses a mapping document with a value of the wrong type, precisely, and keeps the old one', async () => {
  const before = await service.store.getMappingDocument();
  const doc = demoMappingDocument() as unknown as {
    smartSync: Record<string, unknown>;
    mappings: Array<Record<string, unknown>>;
  };
  doc.smartSync.products = 'yes';
  doc.mappings[6]!.participant = 'first';
  const res = await admin('PUT', '/api/config', doc);
  const body = await errorOf(res);
  expect(res.status).toBe(400);
  expect(body).toMatch(/smartSync\.products/);
  expect(body).toMatch(/mappings\[6\]\.participant|mappings\.6\.participant/);
  expect(await service.store.getMappingDocument()).toEqual(before);
  figures.push(
    `a mapping document with "products": "yes" and "participant": "first" → ${res.status} ${body}`,
  );
});

it('never writes a read-only property, even when it is mapped, and says why', async () => {
  const doc = demoMappingDocument();
  doc.mappings.push({ object: 'Sale', property: 'SuperOffice:6', dataField: 'p2_shoe_size' });
  const put = await admin('PUT', '/api/config', doc);
  const saved = (await put.json()) as { warnings: Array<{ message: string }> };
  expect(put.status).toBe(200);
  const warning = saved.warnings.map((w) => w.message).join(' ');
  expect(warning).toMatch(/SuperOffice:6.*not smart-sync-ready/);

  const contract = emulators.contracts[2]!;
  const before = emulators.superoffice.store.entity('Sale', contract.saleId)!.custom['SuperOffice:6'];
  let result: SmartSyncResult | undefined;
  const writes = await writesDuring(async () => {
    emulators.oneflow.sign(contract.contractId);
    result = await onlyRunOf(contract.contractId);
  });
  await admin('PUT', '/api/config', demoMappingDocument());
  const skipped = result!.resources
    .find((r) => r.type === 'Sale')!
    .properties.find((p) => p.property === 'SuperOffice:6');
  expect(skipped).toMatchObject({ status: 'skipped' });
  // The success Activity names it as skipped; no write to a record carries it.
  const recordWrites = writes.filter((w) => !w.path.endsWith('/Appointment'));
  expect(recordWrites.length).toBeGreaterThan(0);
  expect(recordWrites.filter((w) => JSON.stringify(w.body).includes('SuperOffice:6'))).toEqual([]);
  expect(emulators.superoffice.store.entity('Sale', contract.saleId)!.custom['SuperOffice:6']).toBe(before);
  expect(result!.outcome).toBe('succeeded');
  figures.push(
    `a mapping to the read-only Sale SuperOffice:6 → saved with the warning "${warning}"; the sync skipped it ("${skipped!.reason}") and wrote the rest`,
  );
});

it('fails a value of the wrong type for its property only, with the reason, and writes it nowhere', async () => {
  const contract = emulators.contracts[3]!;
  const seed = structuredClone(emulators.data.oneflow.contracts!.find((c) => c.id === contract.contractId)!);
  seed.data_fields = seed.data_fields!.map((f) =>
    f.custom_id === 'delivery_date' ? { ...f, value: 'next tuesday' } : f,
  );
  emulators.oneflow.emulator.putContract(seed);
  let result: SmartSyncResult | undefined;
  const writes = await writesDuring(async () => {
    emulators.oneflow.sign(contract.contractId);
    result = await onlyRunOf(contract.contractId);
  });
  const failed = result!.resources
    .find((r) => r.type === 'Sale')!
    .properties.find((p) => p.property === 'SuperOffice:2');
  expect(result!.outcome).toBe('partially_failed');
  expect(failed).toMatchObject({ status: 'failed' });
  expect(failed!.reason).toMatch(/next tuesday/);
  // Only the failure Activity mentions the value; no write to a record carries it.
  const recordWrites = writes.filter((w) => !w.path.endsWith('/Appointment'));
  expect(recordWrites.filter((w) => JSON.stringify(w.body).includes('next tuesday'))).toEqual([]);
  expect(recordWrites.filter((w) => JSON.stringify(w.body).includes('SuperOffice:2'))).toEqual([]);
  const sale = emulators.superoffice.store.entity('Sale', contract.saleId)!;
  expect(sale.custom['SuperOffice:2'] ?? '').toBe('');
  expect(sale.doc.Number).toBe(contract.poNumber);
  const activity = [...emulators.superoffice.store.entities.Appointment.values()]
    .map((a) => String(a.doc.Description))
    .find((d) => d.startsWith('[Smart sync] Failed') && d.includes('next tuesday'));
  expect(activity).toBeDefined();
  figures.push(
    `a delivery date of "next tuesday" → that property failed ("${failed!.reason}"), not written; the other properties were; the failure Activity says so`,
  );
});
