import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { oneflowDemoSeed } from '../../src/emulators/oneflow';
import { startSyncStack, type SyncStack } from '../support/sync-stack';

/**
 * `smart-sync backfill` as an operator types it, against the whole demo stack on the test
 * run's dev server: a dry run prints what would be synced, a backfill draws its progress
 * and sums it up, and Ctrl-C without a terminal to ask at detaches (the backfill goes on).
 */
const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'smart-sync.ts');
const SIGNED = [9201, 9202, 9203];

let stack: SyncStack;

beforeAll(async () => {
  stack = await startSyncStack();
  const demo = oneflowDemoSeed.contracts![0]!;
  for (const [i, id] of SIGNED.entries()) {
    stack.service.demo!.oneflowEmulator.emulator.putContract({
      ...structuredClone(demo),
      id,
      state: 'signed',
      state_updated_time: `2026-11-0${i + 1}T10:00:00+0000`,
    });
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const args = (...rest: string[]) => [
  '--import',
  'tsx',
  cli,
  'backfill',
  '--url',
  stack.service.url,
  '--token',
  'demo-admin-token',
  ...rest,
];

it('a dry run prints the contracts it would sync, then a backfill syncs them and prints its counts', async () => {
  const dry = await promisify(execFile)(
    process.execPath,
    args('--signed-since', '2026-11-01', '--signed-until', '2026-11-30', '--dry-run'),
    { cwd: root, timeout: 90_000 },
  );
  expect(dry.stdout).toContain('(dry run: nothing was started or written)');
  for (const id of SIGNED) expect(dry.stdout).toContain(`contract ${id}  signed 2026-11-0`);
  expect(dry.stdout).toContain('would sync:      3');

  const real = await promisify(execFile)(
    process.execPath,
    args('--signed-since', '2026-11-01', '--signed-until', '2026-11-30', '--max-in-flight', '2'),
    { cwd: root, timeout: 120_000 },
  );
  // Without a terminal, the bar is a line every 10 s, the first at the start.
  // With the total known by then (the listing was quick), the bar shows a percentage too.
  expect(real.stdout).toMatch(/\[[#-]{24}\] \d+\/(\?|~?\d+)( \d+%)? · started \d+/);
  expect(real.stdout).toContain('completed.');
  expect(real.stdout).toContain('syncs started:   3 (3 ended, 0 of them failed)');
  for (const id of SIGNED) expect((await stack.runs(id)).map((r) => r.trigger)).toEqual(['backfill']);
}, 240_000);

it('refuses a bad date with what to type, and Ctrl-C detaches, leaving the backfill running', async () => {
  const bad = await promisify(execFile)(process.execPath, args('--signed-since', '1 November'), {
    cwd: root,
    timeout: 60_000,
  }).catch((err: { code: number; stderr: string }) => err);
  expect((bad as { code: number }).code).toBe(1);
  expect((bad as { stderr: string }).stderr).toContain('signedSince must be a date such as "2026-11-01"');

  // Nothing to sync quickly: a period with no signing lists one empty page.
  const child = spawn(
    process.execPath,
    args('--signed-since', '2020-01-01', '--signed-until', '2026-12-31'),
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  for (let i = 0; i < 600 && !out.includes('Started backfill'); i++)
    await new Promise((r) => setTimeout(r, 100));
  expect(out).toContain('Started backfill');
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(out).toContain('Detached; the backfill goes on. Follow it again with: smart-sync backfill --follow');
  expect(code).toBe(0);
  const id = /--follow (smart-sync-backfill-[0-9a-f-]+)/.exec(out)![1]!;
  const res = await fetch(`${stack.service.url}/api/backfills/${id}`, {
    headers: { Authorization: 'Bearer demo-admin-token' },
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { backfillId: string }).backfillId).toBe(id);

  // The API's refusals say what is wrong.
  const get = (p: string, auth = true) =>
    fetch(`${stack.service.url}${p}`, auth ? { headers: { Authorization: 'Bearer demo-admin-token' } } : {});
  expect((await get(`/api/backfills/${id}`, false)).status).toBe(401);
  const notAnId = await get('/api/backfills/smart-sync-contract-9001');
  expect(notAnId.status).toBe(400);
  expect(((await notAnId.json()) as { error: string }).error).toContain('is not a backfill id');
  expect((await get('/api/backfills/smart-sync-backfill-0000')).status).toBe(404);
  const listed = (await (await get('/api/backfills')).json()) as { backfills: Array<{ backfillId: string }> };
  expect(listed.backfills.map((b) => b.backfillId)).toContain(id);
}, 120_000);
