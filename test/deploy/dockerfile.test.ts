import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * No Docker engine runs on CI machines, so the Dockerfile is checked by reading it: the
 * image that runs is the last stage, and what matters there is who the process runs as
 * and that no secret is baked into a layer, where anyone who pulls the image can read it.
 */
interface Instruction {
  keyword: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** `ENV A=1 B="x y"` and the legacy `ENV A 1`, as names. */
function envNames(args: string): string[] {
  if (!args.includes('=')) return [args.split(/\s+/)[0] ?? ''];
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]!);
}

const root = path.join(__dirname, '..', '..');
const all = instructions(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const lastFrom = all.map((i) => i.keyword).lastIndexOf('FROM');
const runtime = all.slice(lastFrom);

describe('Dockerfile', () => {
  it('runs the service as an unprivileged user', () => {
    const users = runtime.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args.split(':')[0];
    expect(user).not.toMatch(/^(root|0)$/);
    // The user switch comes before the command, so nothing the image runs is root's.
    const cmd = runtime.findIndex((i) => i.keyword === 'CMD');
    expect(runtime.lastIndexOf(users.at(-1)!)).toBeLessThan(cmd);
  });

  it('gives that user its data dir and nothing else', () => {
    const user = runtime.filter((i) => i.keyword === 'USER').at(-1)!.args;
    const chowns = runtime
      .filter((i) => i.keyword === 'RUN' || i.keyword === 'COPY')
      .flatMap((i) => [
        ...i.args.matchAll(/chown\s+(?:-R\s+)?(\S+)\s+(.+?)(?:\s*(?:&&|;|$))/g),
        ...i.args.matchAll(/--chown=(\S+)\s+\S+\s+(\S+)/g),
      ])
      .map((m) => ({ owner: m[1]!.split(':')[0], paths: m[2]!.trim().split(/\s+/) }));
    expect(chowns).toEqual([{ owner: user, paths: ['/data'] }]);
  });

  it('bakes no secret into the image', () => {
    const names = all
      .filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
      .flatMap((i) => (i.keyword === 'ARG' ? [i.args.split('=')[0]!] : envNames(i.args)));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).not.toMatch(/TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL/i);
  });
});
