import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTemporalCli, TemporalCliNotFoundError } from '../../src/temporal/cli-binary';

function fakeBinary(dir: string, name = 'temporal'): string {
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\necho fake\n');
  chmodSync(file, 0o755);
  return file;
}

/** This machine's PATH (so that `go` is found) minus any folder holding a real `temporal`. */
function pathWithoutTemporal(): string {
  return process.env
    .PATH!.split(path.delimiter)
    .filter((d) => !existsSync(path.join(d, 'temporal')))
    .join(path.delimiter);
}

describe('finding the Temporal CLI', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-find-'));

  it('takes TEMPORAL_CLI_PATH first', async () => {
    const file = fakeBinary(dir, 'my-temporal');
    const onPath = mkdtempSync(path.join(os.tmpdir(), 'cli-path-'));
    fakeBinary(onPath);
    await expect(
      findTemporalCli({ env: { TEMPORAL_CLI_PATH: file, PATH: onPath }, obtain: false }),
    ).resolves.toEqual({
      path: file,
      source: 'TEMPORAL_CLI_PATH',
    });
  });

  it('names TEMPORAL_CLI_PATH when it points at nothing', async () => {
    await expect(
      findTemporalCli({ env: { TEMPORAL_CLI_PATH: '/nope/temporal' }, obtain: false }),
    ).rejects.toThrow('TEMPORAL_CLI_PATH=/nope/temporal: no such file');
  });

  it('rejects a TEMPORAL_CLI_PATH that is not executable', async () => {
    const file = path.join(dir, 'not-exec');
    writeFileSync(file, 'x');
    await expect(findTemporalCli({ env: { TEMPORAL_CLI_PATH: file }, obtain: false })).rejects.toThrow(
      /not an executable file/,
    );
  });

  it('then looks on PATH', async () => {
    const onPath = mkdtempSync(path.join(os.tmpdir(), 'cli-path-'));
    const file = fakeBinary(onPath);
    await expect(
      findTemporalCli({ env: { PATH: `/nonexistent:${onPath}` }, obtain: false }),
    ).resolves.toEqual({
      path: file,
      source: 'PATH',
    });
  });

  it("then in Go's bin folder (GOBIN)", async () => {
    const gobin = mkdtempSync(path.join(os.tmpdir(), 'gobin-'));
    const file = fakeBinary(gobin);
    const env = { PATH: pathWithoutTemporal(), GOBIN: gobin, HOME: os.homedir() };
    await expect(findTemporalCli({ env, obtain: false })).resolves.toEqual({ path: file, source: 'go-bin' });
  });

  it('says what is missing when it may not build or download', async () => {
    const gobin = mkdtempSync(path.join(os.tmpdir(), 'gobin-empty-'));
    const env = { PATH: pathWithoutTemporal(), GOBIN: gobin, HOME: os.homedir() };
    await expect(findTemporalCli({ env, obtain: false })).rejects.toBeInstanceOf(TemporalCliNotFoundError);
  });
});
