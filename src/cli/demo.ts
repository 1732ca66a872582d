/**
 * `npm run demo`: signs the demo contract in the running demo's Oneflow emulator, which
 * sends the contract:sign webhook to Smart Sync, then follows the run to its end and
 * shows what changed in the SuperOffice emulator.
 */
import { DEMO_NEGOTIATED_PRODUCTS, oneflowDemoSeed } from '../emulators/oneflow/demo-seed';

const DEMO_CONTRACT_ID = 9001;

interface Options {
  serviceUrl: string;
  oneflowUrl: string;
  superofficeUrl: string;
  adminToken: string;
}

async function call(
  method: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { method, headers: { Accept: 'application/json', ...headers } });
  } catch {
    throw new Error(
      `cannot reach ${new URL(url).origin}: is the demo running? Start it with \`npm start\` (no ONEFLOW_API_URL / SUPEROFFICE_API_URL set)`,
    );
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sendJson(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text };
}

/**
 * The signing extras on, as an admin would switch them on the Smart sync tab: mark the
 * Sale sold, file the signed PDF (as the tenant's "Signed agreement" type, else its first),
 * add and remove products; and the demo contract's product table as negotiated, so that
 * a product is added to the quote and one removed from it.
 */
async function switchSigningExtrasOn(
  options: Options,
  auth: Record<string, string>,
  print: (line: string) => void,
): Promise<void> {
  const types = await call('GET', `${options.serviceUrl}/api/document-types`, auth);
  const documentTypes =
    (types.body as { documentTypes?: Array<{ id: number; name: string }> }).documentTypes ?? [];
  const type = documentTypes.find((t) => t.name === 'Signed agreement') ?? documentTypes[0];
  const config = await call('GET', `${options.serviceUrl}/api/config`, auth);
  if (config.status !== 200 || !type) {
    print(
      'Could not switch the signing extras on (no mapping document or no document types); syncing without them.',
    );
    return;
  }
  const doc = config.body as { smartSync: Record<string, unknown> };
  doc.smartSync = {
    ...doc.smartSync,
    markSaleSold: true,
    attachSignedPdf: true,
    signedPdfDocumentTypeId: type.id,
    addProducts: true,
    removeProducts: true,
  };
  const saved = await sendJson('PUT', `${options.serviceUrl}/api/config`, doc, auth);
  if (saved.status !== 200) throw new Error(`the admin API refused the demo settings: ${saved.text}`);
  print(
    `Switched on: mark the Sale sold, file the signed PDF (as "${type.name}"), add new products, remove dropped products.`,
  );
  const contract = (oneflowDemoSeed.contracts ?? []).find((c) => c.id === DEMO_CONTRACT_ID);
  if (!contract) return;
  const negotiated = structuredClone(contract);
  if (negotiated.product_groups?.[0]) negotiated.product_groups[0].products = DEMO_NEGOTIATED_PRODUCTS;
  const put = await sendJson(
    'PUT',
    `${options.oneflowUrl}/_emulator/contracts/${DEMO_CONTRACT_ID}`,
    negotiated,
  );
  if (put.status !== 200)
    throw new Error(`the Oneflow emulator refused the negotiated contract: ${put.text}`);
  print('The counterparty dropped the desk lamps and added monitor arms and an assembly service.');
}

export async function runDemo(options: Options, print: (line: string) => void): Promise<void> {
  const auth = { Authorization: `Bearer ${options.adminToken}` };
  const before = await call('GET', `${options.serviceUrl}/api/contracts/${DEMO_CONTRACT_ID}/runs`, auth);
  if (before.status !== 200)
    throw new Error(`the admin API answered ${before.status}: ${JSON.stringify(before.body)}`);
  const known = new Set(
    ((before.body as { runs: Array<{ workflowId: string }> }).runs ?? []).map((r) => r.workflowId),
  );

  const contract = await call('GET', `${options.oneflowUrl}/_emulator/state`);
  const state = (contract.body as { contracts?: Array<{ id: number; state: string }> }).contracts?.find(
    (c) => c.id === DEMO_CONTRACT_ID,
  )?.state;
  if (state === 'signed') {
    print(
      `Contract ${DEMO_CONTRACT_ID} is already signed: resetting its signatures first (Oneflow sends contract:signature_reset, which Smart Sync ignores).`,
    );
    await call('POST', `${options.oneflowUrl}/_emulator/contracts/${DEMO_CONTRACT_ID}/signature-reset`);
  }
  await switchSigningExtrasOn(options, auth, print);
  const signed = await call('POST', `${options.oneflowUrl}/_emulator/contracts/${DEMO_CONTRACT_ID}/sign`);
  if (signed.status >= 300)
    throw new Error(`the Oneflow emulator refused to sign: ${JSON.stringify(signed.body)}`);
  print(
    `Signed Oneflow contract ${DEMO_CONTRACT_ID} in the emulator; its contract:sign webhook is on its way to Smart Sync.`,
  );

  let run: { workflowId: string; runId: string; link: string } | undefined;
  for (let i = 0; i < 60 && !run; i++) {
    await sleep(500);
    const runs = await call('GET', `${options.serviceUrl}/api/contracts/${DEMO_CONTRACT_ID}/runs`, auth);
    run = (
      (runs.body as { runs: Array<{ workflowId: string; runId: string; link: string }> }).runs ?? []
    ).find((r) => !known.has(r.workflowId));
  }
  if (!run) throw new Error('no run started within 30 s: see the service log');
  print(`Workflow started: ${run.workflowId}\n  Watch it in the Temporal Web UI: ${run.link}`);

  let detail:
    | {
        status: string;
        result?: {
          outcome: string;
          resources: Array<{ type: string; id: number | null; status: string; error?: string }>;
        };
      }
    | undefined;
  for (let i = 0; i < 240; i++) {
    const d = await call('GET', `${options.serviceUrl}/api/runs/${encodeURIComponent(run.workflowId)}`, auth);
    detail = d.body as typeof detail;
    if (detail && detail.status !== 'RUNNING') break;
    await sleep(500);
  }
  if (!detail || detail.status === 'RUNNING')
    throw new Error('the run did not finish within 2 minutes: see the Web UI');
  print(`Run ${detail.status.toLowerCase()}: outcome ${detail.result?.outcome ?? 'unknown'}`);
  for (const r of detail.result?.resources ?? []) {
    print(`  ${r.type}${r.id !== null ? ` ${r.id}` : ''}: ${r.status}${r.error ? ` (${r.error})` : ''}`);
  }
  const sale = await call('GET', `${options.superofficeUrl}/_emulator/state`);
  const appointments =
    (sale.body as { appointments?: Array<{ AppointmentId: number; Description?: string }> }).appointments ??
    [];
  const last = appointments.at(-1);
  if (last?.Description)
    print(
      `\nThe Activity now on the Sale in SuperOffice:\n${last.Description.split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
  print(`\nSee everything in the SuperOffice emulator: GET ${options.superofficeUrl}/_emulator/state`);
}
