import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { searchAttributeCommands } from '../../src/temporal/ensure-search-attributes';

/**
 * docker-compose.yml runs deploy/temporal/*.sh in temporalio/admin-tools containers. No
 * Docker engine runs here, so each script runs with /bin/sh against a stand-in for the
 * tool it drives (temporal-sql-tool, the temporal CLI): a shell script that records its
 * arguments and answers as the real tool would in the case under test. What is checked is
 * the script's own logic: which calls, in which order, and when it fails.
 */
const scripts = path.join(__dirname, '..', '..', 'deploy', 'temporal');
const run = promisify(execFile);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'temporal-setup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An executable `name` on a PATH of its own whose body is `body` (sh), logging "$*". */
function stub(name: string, body: string): void {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho "$*" >> "${dir}/calls"\n${body}\n`);
  chmodSync(file, 0o755);
}

function calls(): string[] {
  try {
    return readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n');
  } catch {
    return [];
  }
}

async function runScript(script: string, env: Record<string, string>) {
  return run('/bin/sh', [path.join(scripts, script)], {
    env: { PATH: `${dir}:/usr/bin:/bin`, ...env },
  });
}

describe('deploy/temporal/setup-schema.sh', () => {
  const env = { SQL_PLUGIN: 'postgres12', SQL_HOST: 'postgresql', SQL_PASSWORD: 'pw' };

  it('creates both databases and brings each schema to the image’s version, in that order', async () => {
    stub('temporal-sql-tool', 'exit 0');
    await runScript('setup-schema.sh', env);
    const root = '/etc/temporal/schema/postgresql/v12';
    expect(calls()).toEqual([
      '--db temporal create',
      '--db temporal setup-schema -v 0.0',
      `--db temporal update-schema -d ${root}/temporal/versioned`,
      '--db temporal_visibility create',
      '--db temporal_visibility setup-schema -v 0.0',
      `--db temporal_visibility update-schema -d ${root}/visibility/versioned`,
    ]);
  });

  it('runs again over existing databases (create and setup-schema refused) and still updates both', async () => {
    stub(
      'temporal-sql-tool',
      'case "$*" in *" create"|*setup-schema*) echo "already exists" >&2; exit 1 ;; esac\nexit 0',
    );
    const { stdout } = await runScript('setup-schema.sh', env);
    expect(calls().filter((c) => c.includes('update-schema'))).toHaveLength(2);
    expect(stdout).toContain('Temporal schema is up to date');
  });

  it('fails when a schema cannot be updated, so that the server does not start on it', async () => {
    stub('temporal-sql-tool', 'case "$*" in *update-schema*) exit 1 ;; esac\nexit 0');
    await expect(runScript('setup-schema.sh', env)).rejects.toMatchObject({ code: 1 });
    // It stops at the first database: the visibility one is not touched.
    expect(calls().some((c) => c.includes('temporal_visibility'))).toBe(false);
  });

  it('refuses to run without the password', async () => {
    stub('temporal-sql-tool', 'exit 0');
    await expect(runScript('setup-schema.sh', { SQL_HOST: 'postgresql' })).rejects.toMatchObject({
      stderr: expect.stringContaining('set POSTGRES_PASSWORD'),
    });
    expect(calls()).toEqual([]);
  });
});

describe('deploy/temporal/setup-namespace.sh', () => {
  const env = { TEMPORAL_ADDRESS: 'temporal:7233', NAMESPACE: 'smart', NAMESPACE_RETENTION: '72h' };

  /** A temporal CLI: `health` answers SERVING after `unhealthy` calls; the namespace exists or not. */
  function temporalCli({ unhealthy = 0, namespaceExists = false, registered = [] as string[] }): void {
    writeFileSync(path.join(dir, 'health-count'), '0');
    stub(
      'temporal',
      [
        'case "$*" in',
        '  "operator cluster health")',
        `    n=$(cat "${dir}/health-count"); echo $((n + 1)) > "${dir}/health-count"`,
        `    if [ "$n" -lt ${unhealthy} ]; then echo NOT_SERVING; else echo SERVING; fi ;;`,
        `  "operator namespace describe"*) ${namespaceExists ? 'exit 0' : 'echo "not found" >&2; exit 1'} ;;`,
        `  "operator search-attribute list"*) echo "Name Type"; ${registered.map((r) => `echo "${r} Keyword";`).join(' ')} ;;`,
        'esac',
        'exit 0',
      ].join('\n'),
    );
  }

  it('waits for the server, creates the namespace and registers every search attribute Smart Sync needs', async () => {
    temporalCli({ unhealthy: 1 });
    await runScript('setup-namespace.sh', env);
    const all = calls();
    expect(all.filter((c) => c === 'operator cluster health')).toHaveLength(2);
    expect(all).toContain('operator namespace create --namespace smart --retention 72h');
    // Exactly the commands Smart Sync prints when it cannot add them itself.
    const created = all
      .filter((c) => c.startsWith('operator search-attribute create'))
      .map((c) => `temporal ${c}`);
    expect(created).toEqual(searchAttributeCommands('smart'));
  });

  it('leaves an existing namespace and the attributes already registered alone', async () => {
    temporalCli({ namespaceExists: true, registered: ['SmartSyncOutcome', 'SmartSyncTrigger'] });
    const { stdout } = await runScript('setup-namespace.sh', env);
    const all = calls();
    expect(all.some((c) => c.startsWith('operator namespace create'))).toBe(false);
    const created = all
      .filter((c) => c.startsWith('operator search-attribute create'))
      .map((c) => `temporal ${c}`);
    expect(created).toEqual(
      searchAttributeCommands('smart').filter((c) => !/SmartSyncOutcome|SmartSyncTrigger/.test(c)),
    );
    expect(stdout).toContain('namespace smart is ready for Smart Sync');
  });

  it('fails when an attribute cannot be registered, so that Smart Sync does not start without it', async () => {
    temporalCli({ namespaceExists: true });
    // Replace the stub: the create call is refused.
    stub(
      'temporal',
      'case "$*" in "operator cluster health") echo SERVING ;; "operator search-attribute create"*) exit 1 ;; esac\nexit 0',
    );
    await expect(runScript('setup-namespace.sh', env)).rejects.toMatchObject({ code: 1 });
  });
});
