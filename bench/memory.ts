import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of other processes, read from /proc (Linux). VmHWM is the kernel's own record of
 * a process's peak resident set, so no sample can miss the peak; VmRSS is sampled as well
 * to show how memory moves during a phase. Elsewhere the figures are simply absent.
 */

export interface ProcessMemory {
  rssMb: number;
  peakRssMb: number;
}

function kbField(status: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : undefined;
}

export function readMemory(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = kbField(status, 'VmRSS');
    const hwm = kbField(status, 'VmHWM');
    if (rss === undefined || hwm === undefined) return undefined;
    return { rssMb: rss / 1024, peakRssMb: hwm / 1024 };
  } catch {
    return undefined;
  }
}

/** Direct children of `pid` whose command name matches `name`. */
export function childPids(pid: number, name?: RegExp): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may contain spaces, so split after the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid === pid && (!name || name.test(comm))) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Samples named processes every `intervalMs`, keeping each one's peak. */
export class MemorySampler {
  private readonly peaks = new Map<string, number>();
  private readonly pids = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 250) {}

  watch(name: string, pid: number | undefined): void {
    if (pid !== undefined) this.pids.set(name, pid);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Each process's peak so far, read now; sampling goes on. */
  peaksSoFar(): Record<string, number> {
    this.sample();
    return Object.fromEntries([...this.peaks].map(([k, v]) => [k, Math.round(v)]));
  }

  /** Stops sampling; the kernel's high-water mark is read once more so the true peak is kept. */
  stop(): Record<string, number> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return Object.fromEntries([...this.peaks].map(([k, v]) => [k, Math.round(v)]));
  }

  private sample(): void {
    for (const [name, pid] of this.pids) {
      const m = readMemory(pid);
      if (!m) continue;
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, m.rssMb, m.peakRssMb));
    }
  }
}

/** CPU time (user + system) a process has used so far, in ms; /proc counts in clock ticks of 10 ms. */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
