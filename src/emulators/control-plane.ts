import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';

/**
 * The control plane shared by the Oneflow and SuperOffice emulators. It lives under
 * /_emulator/ so that nothing a real API client sends can ever reach it, and it is
 * never subject to the emulated API's auth or to injected faults.
 */

export const faultRuleSchema = z
  .object({
    /** HTTP method to match; omitted matches every method. */
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .optional(),
    /**
     * Path pattern, matched case-insensitively against the request path (no query string):
     * `*` matches within one segment, `**` matches across segments. Example: `/api/v1/Contact/*`.
     */
    path: z.string().min(1),
    /** Answer with this status instead of handling the request (the change is not applied). */
    status: z.number().int().min(100).max(599).optional(),
    /** Body sent with `status`; defaults to a body shaped like the emulated API's errors. */
    body: z.unknown().optional(),
    /** Seconds for a Retry-After header sent with `status` (typically 429 or 503). */
    retryAfterSeconds: z.number().nonnegative().optional(),
    /** Delay, in milliseconds, before the request is handled (or failed). */
    latencyMs: z.number().int().nonnegative().optional(),
    /** Handle the request (the change IS applied), then destroy the connection without answering. */
    dropResponse: z.boolean().optional(),
    /** Apply this rule to the next N matching calls only, then remove it. Omitted: until cleared. */
    times: z.number().int().positive().optional(),
    /** Chance (0..1) that a matching call is affected; 1 when omitted. */
    probability: z.number().min(0).max(1).optional(),
  })
  .refine((r) => r.status !== undefined || r.latencyMs !== undefined || r.dropResponse === true, {
    message: 'a fault needs at least one of status, latencyMs or dropResponse',
  })
  .refine((r) => !(r.status !== undefined && r.dropResponse === true), {
    message: 'status and dropResponse cannot be combined: a failed call applies no change to drop',
  });

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema> & { id: string; matched: number };

export interface RequestLogEntry {
  id: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  status: number | null;
  durationMs: number | null;
  /** Which fault (if any) shaped this call. */
  faultId?: string;
  dropped?: boolean;
}

/** What each emulator supplies to the control plane. */
export interface EmulatorHooks {
  /** Back to the emulator's empty start state. */
  reset(): void;
  /** Replace the state with a seed document; throws a ZodError for a malformed one. */
  seed(doc: unknown): void;
  /** The whole current state, as JSON. */
  state(): unknown;
  /** Body for an injected error status, in the emulated API's own error format. */
  errorBody(status: number): unknown;
}

const REQUEST_LOG_LIMIT = 10_000;

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${escaped}/?$`, 'i');
}

export class EmulatorControl {
  private rules: Array<FaultRule & { regex: RegExp }> = [];
  private log: RequestLogEntry[] = [];
  private nextLogId = 1;

  constructor(private readonly hooks: EmulatorHooks) {}

  addFault(input: unknown): FaultRule {
    const parsed = faultRuleSchema.parse(input);
    const rule = { ...parsed, id: randomUUID(), matched: 0, regex: patternToRegExp(parsed.path) };
    this.rules.push(rule);
    return this.publicRule(rule);
  }

  clearFaults(): void {
    this.rules = [];
  }

  removeFault(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  faults(): FaultRule[] {
    return this.rules.map((r) => this.publicRule(r));
  }

  requests(sinceId = 0): RequestLogEntry[] {
    return this.log.filter((e) => e.id > sinceId);
  }

  clearRequests(): void {
    this.log = [];
  }

  reset(): void {
    this.clearFaults();
    this.clearRequests();
    this.hooks.reset();
  }

  private publicRule(rule: FaultRule & { regex?: RegExp }): FaultRule {
    const { regex: _regex, ...rest } = rule;
    return rest;
  }

  /** Picks the first rule matching this call, and uses up one of its `times`. */
  private takeFault(method: string, path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.method && rule.method !== method) continue;
      if (!rule.regex.test(path)) continue;
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      rule.matched += 1;
      if (rule.times !== undefined) {
        rule.times -= 1;
        if (rule.times <= 0) this.rules = this.rules.filter((r) => r.id !== rule.id);
      }
      return this.publicRule(rule);
    }
    return undefined;
  }

  /** Records every API call and applies faults. Mount before the emulated API's routes. */
  middleware() {
    return async (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      const entry: RequestLogEntry = {
        id: this.nextLogId++,
        at: new Date().toISOString(),
        method: req.method,
        path: req.path,
        query: { ...req.query },
        body: req.body,
        status: null,
        durationMs: null,
      };
      this.log.push(entry);
      if (this.log.length > REQUEST_LOG_LIMIT) this.log.splice(0, this.log.length - REQUEST_LOG_LIMIT);
      res.on('finish', () => {
        entry.status = res.statusCode;
        entry.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      });

      const fault = this.takeFault(req.method, req.path);
      if (!fault) return next();
      entry.faultId = fault.id;
      // Unref'd: a slow answer still pending must not keep a test process (or a closed emulator) alive.
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs).unref());
      if (fault.status !== undefined) {
        if (fault.retryAfterSeconds !== undefined)
          res.setHeader('Retry-After', String(fault.retryAfterSeconds));
        res.status(fault.status).json(fault.body ?? this.hooks.errorBody(fault.status));
        return;
      }
      if (fault.dropResponse) {
        entry.dropped = true;
        // Let the handler apply the change, then kill the socket instead of answering:
        // the client sees a connection reset, as when a proxy or the network fails.
        const socket = req.socket;
        res.write = (() => true) as typeof res.write;
        res.end = ((..._args: unknown[]) => {
          socket.destroy();
          return res;
        }) as typeof res.end;
      }
      next();
    };
  }

  /** The /_emulator router. */
  router(): Router {
    const r = express.Router();
    r.use(express.json({ limit: '10mb' }));
    r.post('/reset', (_req, res) => {
      this.reset();
      res.json({ ok: true });
    });
    r.post('/seed', (req, res) => {
      try {
        this.hooks.seed(req.body);
        res.json({ ok: true });
      } catch (err) {
        if (err instanceof z.ZodError) {
          res.status(400).json({ error: 'invalid seed document', issues: z.prettifyError(err) });
          return;
        }
        throw err;
      }
    });
    r.get('/state', (_req, res) => {
      res.json(this.hooks.state());
    });
    r.get('/requests', (req, res) => {
      const since = Number(req.query.since ?? 0);
      res.json(this.requests(Number.isFinite(since) ? since : 0));
    });
    r.delete('/requests', (_req, res) => {
      this.clearRequests();
      res.status(204).end();
    });
    r.get('/faults', (_req, res) => {
      res.json(this.faults());
    });
    r.post('/faults', (req, res) => {
      try {
        res.status(201).json(this.addFault(req.body));
      } catch (err) {
        if (err instanceof z.ZodError) {
          res.status(400).json({ error: 'invalid fault rule', issues: z.prettifyError(err) });
          return;
        }
        throw err;
      }
    });
    r.delete('/faults', (_req, res) => {
      this.clearFaults();
      res.status(204).end();
    });
    r.delete('/faults/:id', (req, res) => {
      if (this.removeFault(req.params.id)) res.status(204).end();
      else res.status(404).json({ error: `no fault with id ${req.params.id}` });
    });
    return r;
  }
}

export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on `port` (0 = a free one) on 127.0.0.1 unless `host` says otherwise. */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<RunningEmulator> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const addr = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({
        origin: `http://${shownHost}:${addr.port}`,
        port: addr.port,
        close: () =>
          new Promise<void>((res, rej) => {
            server.closeAllConnections();
            server.close((e) => (e ? rej(e) : res()));
          }),
      });
    });
  });
}
