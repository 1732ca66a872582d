import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { oneflowError, rateLimitBody } from './error-bodies';
import type { OneflowEmulator } from './oneflow-emulator';

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

  r.get('/contracts/:id', (req, res) => {
    const raw = req.params.id;
    // Oneflow types the id integer(signed_integer_id). Anything else is a bad
    // parameter, reported in parameter_problems as Oneflow's error format provides for.
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      res.status(400).json(
        oneflowError(400, 'Invalid parameters.', {
          contract_id: [`"${raw.slice(0, 40)}" is not a valid integer.`],
        }),
      );
      return;
    }
    const contract = emulator.contract(Number(raw));
    if (!contract) {
      res.status(404).json(oneflowError(404, 'The requested contract was not found.'));
      return;
    }
    res.json(contract);
  });

  r.use((_req, res) => {
    res.status(404).json(oneflowError(404, 'Not found.'));
  });

  return r;
}
