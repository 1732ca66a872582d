import type { EmulatorControl, RequestLogEntry } from '../src/emulators/control-plane';
import type { SuperOfficeStore } from '../src/emulators/superoffice';
import type { BenchContract } from './bench-data';
import type { ProgressBar } from './progress';

/**
 * Sends signed-contract webhooks to the service and watches SuperOffice for each sync's
 * outcome Activity. A sync is done when the emulator has answered the POST /Appointment
 * that records its outcome: the moment a SuperOffice user would see it.
 */

export interface Delivery {
  contractId: number;
  sentAt: number;
  ackMs: number;
  status: number;
}

/** Finds outcome Activities in the SuperOffice emulator's request log as they are created. */
export class OutcomeWatcher {
  private cursor = 0;
  private readonly seen = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  readonly completedAt = new Map<number, number>();
  /** Outcome Activities beyond the first for one Sale: must stay 0. */
  duplicates = 0;
  private readonly contractOfSale: Map<number, number>;

  constructor(
    private readonly control: EmulatorControl,
    contracts: BenchContract[],
  ) {
    this.contractOfSale = new Map(contracts.map((c) => [c.saleId, c.contractId]));
  }

  start(intervalMs = 50): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.poll();
  }

  poll(): void {
    const entries: RequestLogEntry[] = this.control.requests(this.cursor);
    // The cursor stays before the oldest call still waiting for its answer; calls after it
    // that were already counted are remembered so that they are counted once.
    let cursor: number | undefined;
    for (const e of entries) {
      if (e.status === null) {
        cursor ??= e.id - 1;
        continue;
      }
      if (this.seen.has(e.id)) continue;
      if (cursor !== undefined) this.seen.add(e.id);
      this.count(e);
    }
    this.cursor = cursor ?? entries.at(-1)?.id ?? this.cursor;
    for (const id of this.seen) if (id <= this.cursor) this.seen.delete(id);
  }

  private count(e: RequestLogEntry): void {
    if (e.method !== 'POST' || !e.path.endsWith('/Appointment') || (e.status ?? 500) >= 300) return;
    const saleId = (e.body as { Sale?: { SaleId?: number } } | undefined)?.Sale?.SaleId;
    const contractId = saleId !== undefined ? this.contractOfSale.get(saleId) : undefined;
    if (contractId === undefined) return;
    if (this.completedAt.has(contractId)) this.duplicates += 1;
    else this.completedAt.set(contractId, Date.parse(e.at) + (e.durationMs ?? 0));
  }

  /** Resolves when every contract has its outcome, or rejects after `timeoutMs` without progress. */
  async waitFor(
    contracts: BenchContract[],
    progress: ProgressBar,
    detail: () => string,
    stallTimeoutMs = 120_000,
  ): Promise<void> {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const done = contracts.filter((c) => this.completedAt.has(c.contractId)).length;
      progress.update(done, detail());
      if (done === contracts.length) return;
      if (done !== last) {
        last = done;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallTimeoutMs) {
        throw new Error(
          `no sync finished for ${stallTimeoutMs / 1000} s; ${done} of ${contracts.length} done`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function deliver(url: string, contractId: number, body: string): Promise<Delivery> {
  const sentAt = Date.now();
  const t0 = performance.now();
  let status: number;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await res.arrayBuffer();
    status = res.status;
  } catch {
    // No answer at all: counted as refused.
    status = -1;
  }
  return { contractId, sentAt, ackMs: performance.now() - t0, status };
}

export interface LoadOptions {
  webhookUrl: string;
  contracts: BenchContract[];
  /**
   * The body of one contract's signing webhook. The event must be one Oneflow (the
   * emulator) knows for that contract: the first step checks it against the contract's events.
   */
  webhookFor: (contractId: number) => string;
  /** Webhooks per second, or undefined for as fast as the service takes them. */
  rate?: number;
  /** Webhooks in flight at once when `rate` is undefined. */
  concurrency: number;
  onDelivered?: (count: number) => void;
}

/** Sends one webhook per contract, paced or flat out, and returns every acknowledgement. */
export async function sendWebhooks(options: LoadOptions): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  const send = async (contract: BenchContract) => {
    const d = await deliver(options.webhookUrl, contract.contractId, options.webhookFor(contract.contractId));
    deliveries.push(d);
    options.onDelivered?.(deliveries.length);
  };
  if (options.rate === undefined) {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, options.contracts.length) }, async () => {
        for (let i = next++; i < options.contracts.length; i = next++) await send(options.contracts[i]!);
      }),
    );
  } else {
    // Open loop: each webhook leaves at its time whether or not earlier ones were answered.
    const started = performance.now();
    const pending: Promise<void>[] = [];
    for (const [i, contract] of options.contracts.entries()) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(send(contract));
    }
    await Promise.all(pending);
  }
  return deliveries;
}

export interface Verification {
  synced: number;
  problems: string[];
}

/** Checks SuperOffice itself: every Sale has its PO number and exactly one success Activity. */
export function verifySuperOffice(store: SuperOfficeStore, contracts: BenchContract[]): Verification {
  const appointments = new Map<number, string[]>();
  for (const a of store.entities.Appointment.values()) {
    const saleId = (a.doc.Sale as { SaleId?: number } | undefined)?.SaleId;
    if (saleId === undefined) continue;
    appointments.set(saleId, [...(appointments.get(saleId) ?? []), String(a.doc.Description ?? '')]);
  }
  const problems: string[] = [];
  let synced = 0;
  for (const c of contracts) {
    const sale = store.entity('Sale', c.saleId)?.doc;
    const company = store.entity('Contact', c.companyId)?.doc;
    const mine = appointments.get(c.saleId) ?? [];
    const wrong: string[] = [];
    if (sale?.Number !== c.poNumber) wrong.push(`Sale Number is ${JSON.stringify(sale?.Number)}`);
    if (company?.OrgNr !== '987654321') wrong.push(`Company OrgNr is ${JSON.stringify(company?.OrgNr)}`);
    if (mine.length !== 1) wrong.push(`${mine.length} outcome Activities`);
    else if (!mine[0]!.startsWith('[Smart sync] Successfully updated'))
      wrong.push(`outcome: ${mine[0]!.split('\n')[0]}`);
    if (wrong.length === 0) synced += 1;
    else problems.push(`contract ${c.contractId} (Sale ${c.saleId}): ${wrong.join('; ')}`);
  }
  return { synced, problems };
}
