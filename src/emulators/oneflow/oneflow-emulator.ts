import type { EmulatorHooks } from '../control-plane';
import { ContractFiles } from './contract-files';
import type { ContractState, OneflowApiContract } from './contract-shape';
import { injectedErrorBody } from './error-bodies';
import { formatOneflowTime } from './oneflow-time';
import {
  DOCUMENTED_RATE_LIMIT,
  type RateLimitConfig,
  SlidingWindowRateLimiter,
  maskToken,
} from './rate-limiter';
import {
  type ContractSeedInput,
  IdAllocator,
  contractSeedSchema,
  expandContract,
  oneflowSeedSchema,
  webhookSettingsSchema,
} from './seed-document';
import { type WebhookDelivery, WebhookDispatcher, type WebhookSettings } from './webhook-dispatcher';

export interface OneflowEmulatorOptions {
  webhookUrl?: string | null;
  signKey?: string | null;
  /** Multiplies Oneflow's webhook retry delays; 1 = the documented 1 s … 1 h. */
  retryScale?: number;
  webhookTimeoutMs?: number;
  /** Defaults to the documented 2000 requests per 5 minutes per token. */
  rateLimit?: Partial<RateLimitConfig>;
}

/** A state change the control plane asked for could not be made (answered as 404/409). */
export class EmulatorActionError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** One event of a contract, as GET /v1/contracts/{id}/events lists it. */
export interface ContractEvent {
  id: number;
  type: string;
  created_time: string;
}

export interface ActionResult {
  contract: OneflowApiContract | null;
  delivery: WebhookDelivery;
}

function firstEventId(): number {
  return Date.now();
}

/** The emulated Oneflow account: tokens, contracts, webhook settings and deliveries. */
export class OneflowEmulator {
  private contracts = new Map<number, OneflowApiContract>();
  /** Every event Oneflow recorded for each contract, oldest first. */
  private events = new Map<number, ContractEvent[]>();
  private tokens = new Set<string>();
  private ids = new IdAllocator();
  /**
   * Oneflow's event ids are unique for good; Smart Sync keys its runs on them. Starting
   * from the clock keeps them unique across restarts of the emulator too, so a demo
   * signed again after a restart is a new event, not a redelivery of an old one.
   */
  private nextEventId = firstEventId();
  private webhook: WebhookSettings;
  readonly rateLimiter: SlidingWindowRateLimiter;
  /** Each contract's signed PDF and the storage URLs its downloads redirect to. */
  readonly files = new ContractFiles();
  private readonly dispatcher = new WebhookDispatcher();
  private readonly initialWebhook: WebhookSettings;
  private readonly initialRateLimit: RateLimitConfig;

  constructor(options: OneflowEmulatorOptions = {}) {
    this.initialWebhook = {
      url: options.webhookUrl ?? null,
      signKey: options.signKey ?? null,
      retryScale: options.retryScale ?? 1,
      timeoutMs: options.webhookTimeoutMs ?? 10_000,
    };
    this.webhook = { ...this.initialWebhook };
    this.initialRateLimit = { ...DOCUMENTED_RATE_LIMIT, ...options.rateLimit };
    this.rateLimiter = new SlidingWindowRateLimiter(this.initialRateLimit);
  }

  // ---- API side -------------------------------------------------------------------

  isKnownToken(token: string | undefined): token is string {
    return token !== undefined && this.tokens.has(token);
  }

  contract(id: number): OneflowApiContract | undefined {
    const c = this.contracts.get(id);
    return c && structuredClone(c);
  }

  /** Every contract of the account (copies), in no particular order. */
  allContracts(): OneflowApiContract[] {
    return [...this.contracts.values()].map((c) => structuredClone(c));
  }

  /** The contract's events, oldest first; undefined when the account has no such contract. */
  contractEvents(id: number): ContractEvent[] | undefined {
    if (!this.contracts.has(id)) return undefined;
    return (this.events.get(id) ?? []).map((e) => ({ ...e }));
  }

  // ---- control side -------------------------------------------------------------------

  /** The control plane's hooks: reset, seed, state and the error body for injected faults. */
  hooks(): EmulatorHooks {
    return {
      reset: () => this.reset(),
      seed: (doc) => this.seed(doc),
      state: () => this.state(),
      errorBody: (status) => injectedErrorBody(status),
    };
  }

  /** Back to the state right after construction: no tokens, no contracts, no deliveries. */
  reset(): void {
    this.dispatcher.clear();
    this.contracts.clear();
    this.events.clear();
    this.files.clear();
    this.tokens.clear();
    this.ids = new IdAllocator();
    this.nextEventId = firstEventId();
    this.webhook = { ...this.initialWebhook };
    this.rateLimiter.configure(this.initialRateLimit);
  }

  /** Replaces tokens and contracts; webhook settings only where the seed gives them. */
  seed(doc: unknown): void {
    const seed = oneflowSeedSchema.parse(doc);
    this.dispatcher.clear();
    this.contracts.clear();
    this.events.clear();
    this.files.clear();
    this.ids = new IdAllocator();
    this.tokens = new Set(seed.tokens);
    this.rateLimiter.clear();
    if (seed.webhook) this.configureWebhook(seed.webhook);
    const now = new Date();
    for (const c of seed.contracts) {
      const contract = expandContract(c, this.ids, now);
      this.contracts.set(c.id, contract);
      this.recordStandingSigning(contract);
    }
  }

  /**
   * A contract that is signed in Oneflow became so through a contract:sign event, which
   * its event list shows: one given signed (seeded, or put) without a standing signing
   * among its events gets one at its state_updated_time. No webhook is sent for it: it
   * stands for a signing before the emulator's time.
   */
  private recordStandingSigning(contract: OneflowApiContract): void {
    if (contract.state !== 'signed') return;
    const list = this.events.get(contract.id) ?? [];
    const last = list
      .filter((e) => e.type === 'contract:sign' || e.type === 'contract:signature_reset')
      .at(-1);
    if (last?.type === 'contract:sign') return;
    list.push({ id: this.nextEventId++, type: 'contract:sign', created_time: contract.state_updated_time });
    this.events.set(contract.id, list);
  }

  /**
   * Adds or replaces one contract, given in the seed's compact form. Its events are kept:
   * editing a contract does not erase its history in Oneflow, and a webhook sent before
   * the change still names an event the contract has.
   */
  putContract(input: ContractSeedInput): OneflowApiContract {
    const seed = contractSeedSchema.parse(input);
    const contract = expandContract(seed, this.ids, new Date());
    this.contracts.set(contract.id, contract);
    this.recordStandingSigning(contract);
    return structuredClone(contract);
  }

  addToken(token: string): void {
    this.tokens.add(token);
  }

  configureWebhook(input: unknown): void {
    const s = webhookSettingsSchema.parse(input);
    if (s.url !== undefined) this.webhook.url = s.url;
    if (s.signKey !== undefined) this.webhook.signKey = s.signKey;
    if (s.retryScale !== undefined) this.webhook.retryScale = s.retryScale;
    if (s.timeoutMs !== undefined) this.webhook.timeoutMs = s.timeoutMs;
  }

  webhookSettings(): { url: string | null; signKeySet: boolean; retryScale: number; timeoutMs: number } {
    const { signKey, ...rest } = this.webhook;
    return { ...rest, signKeySet: Boolean(signKey) };
  }

  state() {
    return {
      tokens: [...this.tokens].map(maskToken),
      webhook: this.webhookSettings(),
      rateLimit: { ...this.rateLimiter.settings, remaining: this.rateLimiter.remaining() },
      nextEventId: this.nextEventId,
      contracts: [...this.contracts.values()],
      /** Contract id → its events, oldest first. */
      contractEvents: Object.fromEntries(this.events),
      webhookDeliveries: this.dispatcher.deliveries(),
    };
  }

  deliveries(): WebhookDelivery[] {
    return this.dispatcher.deliveries();
  }

  /** Sends an earlier delivery's body again to the webhook URL set now (see WebhookDispatcher.redeliver). */
  redeliver(callbackId: string): WebhookDelivery {
    const delivery = this.dispatcher.redeliver(callbackId, { ...this.webhook });
    if (delivery === undefined)
      throw new EmulatorActionError(404, `no webhook delivery with callback_id ${callbackId}`);
    if (delivery === 'pending') {
      throw new EmulatorActionError(409, `the delivery of callback_id ${callbackId} is still being retried`);
    }
    return delivery;
  }

  clearDeliveries(): void {
    this.dispatcher.clear();
  }

  /** Resolves when no webhook delivery is waiting for a retry or an answer. */
  settled(): Promise<void> {
    return this.dispatcher.settled();
  }

  /** Stops pending webhook retries, so a closed emulator leaves no timer running. */
  shutdown(): void {
    this.dispatcher.cancelAll();
  }

  /**
   * Every signatory signs: their sign_state becomes "signed", the contract becomes
   * "signed" and contract:sign is sent (Oneflow: "state has changed to signed").
   * Viewers and organizers do not sign in Oneflow, so they stay undecided.
   */
  sign(id: number): ActionResult {
    const c = this.mustFind(id);
    this.requireState(c, ['pending', 'overdue'], 'sign');
    const now = new Date();
    const at = formatOneflowTime(now);
    for (const participant of c.parties.flatMap((p) => p.participants)) {
      if (!participant.signatory) continue;
      participant.sign_state = 'signed';
      participant.sign_state_updated_time = at;
      participant._private_ownerside.updated_time = at;
    }
    this.setState(c, 'signed', at);
    return { contract: structuredClone(c), delivery: this.emit(id, 'contract:sign', now) };
  }

  /** Signatures are cleared (Oneflow's contract:signature_reset event): pending again. */
  signatureReset(id: number): ActionResult {
    const c = this.mustFind(id);
    this.requireState(c, ['pending', 'overdue', 'signed'], 'reset the signatures of');
    const now = new Date();
    const at = formatOneflowTime(now);
    for (const participant of c.parties.flatMap((p) => p.participants)) {
      if (participant.sign_state === 'undecided') continue;
      participant.sign_state = 'undecided';
      participant.sign_state_updated_time = at;
      participant._private_ownerside.updated_time = at;
    }
    this.setState(c, 'pending', at);
    return { contract: structuredClone(c), delivery: this.emit(id, 'contract:signature_reset', now) };
  }

  /** Draft to pending (Oneflow documents contract:publish as "draft to pending"). */
  publish(id: number): ActionResult {
    const c = this.mustFind(id);
    this.requireState(c, ['draft'], 'publish');
    const now = new Date();
    const at = formatOneflowTime(now);
    c.published_time = at;
    for (const participant of c.parties.flatMap((p) => p.participants)) {
      participant.delivery_status = 'success';
    }
    this.setState(c, 'pending', at);
    return { contract: structuredClone(c), delivery: this.emit(id, 'contract:publish', now) };
  }

  /** The first counterparty signatory declines; the contract becomes "declined". */
  decline(id: number): ActionResult {
    const c = this.mustFind(id);
    this.requireState(c, ['pending', 'overdue'], 'decline');
    const decliner = c.parties
      .filter((p) => !p.my_party)
      .flatMap((p) => p.participants.filter((x) => x.signatory))[0];
    if (!decliner) {
      throw new EmulatorActionError(409, `contract ${id} has no counterparty signatory to decline it`);
    }
    const now = new Date();
    const at = formatOneflowTime(now);
    decliner.sign_state = 'declined';
    decliner.sign_state_updated_time = at;
    this.setState(c, 'declined', at);
    return { contract: structuredClone(c), delivery: this.emit(id, 'contract:decline', now) };
  }

  /**
   * Sends any event type for any contract id without changing state, including ids the
   * account does not have: that is how a receiver's handling of an unknown contract is tested.
   * The event is recorded on a contract the account has, as any event Oneflow sends is; one
   * with a forged signature is not, since it stands for a call Oneflow never made.
   */
  emitEvent(id: number, type: string, signatureOverride?: string): ActionResult {
    const c = this.contracts.get(id);
    return {
      contract: c ? structuredClone(c) : null,
      delivery: this.emit(id, type, new Date(), signatureOverride),
    };
  }

  private emit(contractId: number, type: string, at: Date, signatureOverride?: string): WebhookDelivery {
    const eventId = this.nextEventId++;
    if (this.contracts.has(contractId) && signatureOverride === undefined) {
      const list = this.events.get(contractId) ?? [];
      list.push({ id: eventId, type, created_time: formatOneflowTime(at) });
      this.events.set(contractId, list);
    }
    return this.dispatcher.dispatch(
      { ...this.webhook },
      { contractId, eventId, type, at },
      signatureOverride,
    );
  }

  private mustFind(id: number): OneflowApiContract {
    const c = this.contracts.get(id);
    if (!c) throw new EmulatorActionError(404, `no contract ${id}`);
    return c;
  }

  private requireState(c: OneflowApiContract, allowed: ContractState[], action: string): void {
    if (!allowed.includes(c.state)) {
      throw new EmulatorActionError(
        409,
        `cannot ${action} contract ${c.id} in state "${c.state}" (allowed: ${allowed.join(', ')})`,
      );
    }
  }

  private setState(c: OneflowApiContract, state: ContractState, at: string): void {
    c.state = state;
    c.state_updated_time = at;
    c.updated_time = at;
  }
}
