import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { listContracts, parseContractListQuery } from './contract-list';
import { contractFilesApiRouter } from './contract-file-routes';
import { oneflowError, rateLimitBody } from './error-bodies';
import type { ContractEvent, OneflowEmulator } from './oneflow-emulator';

/**
 * Oneflow's pagination (developer.oneflow.com/docs/pagination): limit 1–100 (default 100),
 * offset 0–19900 (default 0).
 */
const PAGE = { defaultLimit: 100, maxLimit: 100, maxOffset: 19_900 } as const;

/** The sort keys developer.oneflow.com/docs/sorting lists for a contract's events. */
const EVENT_SORT_KEYS = ['created_time', 'id', 'type'] as const satisfies ReadonlyArray<keyof ContractEvent>;

/**
 * Oneflow types the id integer(signed_integer_id). Anything else is a bad parameter,
 * reported in parameter_problems as Oneflow's error format provides for.
 */
function contractIdParam(req: Request, res: Response): number | undefined {
  const raw = String(req.params.id);
  if (/^\d+$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  res.status(400).json(
    oneflowError(400, 'Invalid parameters.', {
      contract_id: [`"${raw.slice(0, 40)}" is not a valid integer.`],
    }),
  );
  return undefined;
}

/** An integer query parameter within bounds, the default when absent, or a problem text. */
function intParam(value: unknown, fallback: number, min: number, max: number): number | string {
  if (value === undefined) return fallback;
  const raw = String(value);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) return `Must be an integer from ${min} to ${max}.`;
  return n;
}

/** `sort=-id,type`: a comparator, or a problem text naming the bad key. */
function eventOrder(value: unknown): ((a: ContractEvent, b: ContractEvent) => number) | string | undefined {
  if (value === undefined || value === '') return undefined;
  const keys = String(value).split(',');
  const parsed: Array<{ key: keyof ContractEvent; dir: 1 | -1 }> = [];
  for (const k of keys) {
    const key = k.replace(/^-/, '');
    if (!(EVENT_SORT_KEYS as readonly string[]).includes(key)) {
      return `"${k.slice(0, 40)}" is not a valid sort attribute (valid: ${EVENT_SORT_KEYS.join(', ')}).`;
    }
    parsed.push({ key: key as keyof ContractEvent, dir: k.startsWith('-') ? -1 : 1 });
  }
  return (a, b) => {
    for (const { key, dir } of parsed) {
      // Datetimes are all UTC in one format, so comparing the text compares the times.
      const cmp = a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
      if (cmp !== 0) return cmp * dir;
    }
    return 0;
  };
}

/**
 * The emulated /v1 API. Order matters: the token is checked before the rate limit,
 * because Oneflow enforces the limit "at a token level" and a request
 * without a valid token belongs to no token.
 */
export function apiRouter(emulator: OneflowEmulator): Router {
  const r = express.Router();

  // Oneflow: X-Oneflow-API-Token is required for all endpoints; 401 = "The API token is invalid."
  r.use((req: Request, res: Response, next: NextFunction) => {
    const token = req.get('X-Oneflow-API-Token');
    if (!emulator.isKnownToken(token)) {
      const detail = token ? 'The API token is invalid.' : 'The X-Oneflow-API-Token header is missing.';
      res.status(401).json(oneflowError(401, detail));
      return;
    }
    if (!emulator.rateLimiter.tryAcquire(token)) {
      // Oneflow's documented body. Retry-After is not documented, so none is sent.
      res.status(429).json(rateLimitBody());
      return;
    }
    next();
  });

  // Oneflow: GET /v1/ping answers {} when the service is up and the token valid.
  r.get('/ping', (_req, res) => {
    res.json({});
  });

  // The account's contracts (contract-list.ts says what is filtered, sorted and assumed).
  r.get('/contracts', (req, res) => {
    const limit = intParam(req.query.limit, PAGE.defaultLimit, 1, PAGE.maxLimit);
    const offset = intParam(req.query.offset, 0, 0, PAGE.maxOffset);
    const { parsed, problems } = parseContractListQuery(req.query as Record<string, unknown>);
    if (typeof limit === 'string') problems.limit = [limit];
    if (typeof offset === 'string') problems.offset = [offset];
    if (typeof limit === 'string' || typeof offset === 'string' || Object.keys(problems).length > 0) {
      res.status(400).json(oneflowError(400, 'Invalid parameters.', problems));
      return;
    }
    const contracts = listContracts(emulator.allContracts(), parsed);
    const href = (at: number) => {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(req.query)) if (k !== 'offset') query.set(k, String(v));
      query.set('limit', String(limit));
      query.set('offset', String(at));
      return { href: `${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}?${query.toString()}` };
    };
    res.json({
      _links: {
        self: href(offset),
        ...(offset + limit < contracts.length && offset + limit <= PAGE.maxOffset
          ? { next: href(offset + limit) }
          : {}),
        ...(offset > 0 ? { previous: href(Math.max(0, offset - limit)) } : {}),
      },
      count: contracts.length,
      data: contracts.slice(offset, offset + limit),
    });
  });

  r.get('/contracts/:id', (req, res) => {
    const id = contractIdParam(req, res);
    if (id === undefined) return;
    const contract = emulator.contract(id);
    if (!contract) {
      res.status(404).json(oneflowError(404, 'The requested contract was not found.'));
      return;
    }
    res.json(contract);
  });

  // A list endpoint, so Oneflow's pagination envelope {_links, count, data}; without `sort`
  // the events come in the order they happened (Oneflow: "without any sorting").
  r.get('/contracts/:id/events', (req, res) => {
    const id = contractIdParam(req, res);
    if (id === undefined) return;
    const limit = intParam(req.query.limit, PAGE.defaultLimit, 1, PAGE.maxLimit);
    const offset = intParam(req.query.offset, 0, 0, PAGE.maxOffset);
    const order = eventOrder(req.query.sort);
    const problems: Record<string, string[]> = {};
    if (typeof limit === 'string') problems.limit = [limit];
    if (typeof offset === 'string') problems.offset = [offset];
    if (typeof order === 'string') problems.sort = [order];
    if (typeof limit === 'string' || typeof offset === 'string' || typeof order === 'string') {
      res.status(400).json(oneflowError(400, 'Invalid parameters.', problems));
      return;
    }
    const events = emulator.contractEvents(id);
    if (!events) {
      res.status(404).json(oneflowError(404, 'The requested contract was not found.'));
      return;
    }
    if (order) events.sort(order);
    const href = (at: number) => {
      const query = new URLSearchParams({ limit: String(limit), offset: String(at) });
      if (req.query.sort !== undefined) query.set('sort', String(req.query.sort));
      return { href: `${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}?${query.toString()}` };
    };
    res.json({
      _links: {
        self: href(offset),
        ...(offset + limit < events.length && offset + limit <= PAGE.maxOffset
          ? { next: href(offset + limit) }
          : {}),
        ...(offset > 0 ? { previous: href(Math.max(0, offset - limit)) } : {}),
      },
      count: events.length,
      data: events.slice(offset, offset + limit),
    });
  });

  r.use(contractFilesApiRouter(emulator));

  r.use((_req, res) => {
    res.status(404).json(oneflowError(404, 'Not found.'));
  });

  return r;
}
