import express, { type Request, type Response, type Router } from 'express';
import { CONTRACT_FILE_ID } from './contract-files';
import { oneflowError } from './error-bodies';
import type { OneflowEmulator } from './oneflow-emulator';

/** The files routes of the Oneflow emulator (what they emulate: contract-files.ts). */

function contractName(emulator: OneflowEmulator, id: number): string | undefined {
  const contract = emulator.contract(id);
  if (!contract) return undefined;
  return contract._private?.name ?? `Contract ${id}`;
}

function listItem(name: string) {
  return { id: CONTRACT_FILE_ID, name, type: 'contract', extension: 'pdf' };
}

/** Under /v1 (token checked, rate-limited), before the API's catch-all 404. */
export function contractFilesApiRouter(emulator: OneflowEmulator): Router {
  const r = express.Router();
  r.get(['/contracts/:id/files', '/contracts/:id/files/'], (req, res) => {
    const id = Number(String(req.params.id));
    const name = /^\d+$/.test(String(req.params.id)) ? contractName(emulator, id) : undefined;
    if (name === undefined) {
      res.status(404).json(oneflowError(404, 'The requested contract was not found.'));
      return;
    }
    const href = `${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}`;
    res.json({ _links: { self: { href } }, count: 1, data: [listItem(name)] });
  });
  r.get('/contracts/:id/files/:fileId', (req, res) => {
    const id = Number(String(req.params.id));
    const name = /^\d+$/.test(String(req.params.id)) ? contractName(emulator, id) : undefined;
    if (name === undefined) {
      res.status(404).json(oneflowError(404, 'The requested contract was not found.'));
      return;
    }
    if (req.params.fileId !== String(CONTRACT_FILE_ID)) {
      res.status(404).json(oneflowError(404, 'The requested file was not found.'));
      return;
    }
    if (req.query.download !== 'true') {
      res.json(listItem(name));
      return;
    }
    const key = emulator.files.presign(id);
    res.redirect(302, `${req.protocol}://${req.get('host')}/_storage/contract-files/${key}`);
  });
  return r;
}

/** The storage host's side: bytes for a valid key, 403 (as a storage service answers) otherwise. */
export function contractFilesStorageRouter(emulator: OneflowEmulator): Router {
  const r = express.Router();
  r.get('/contract-files/:key', (req: Request, res: Response) => {
    const contractId = emulator.files.redeem(String(req.params.key ?? ''));
    const name = contractId === undefined ? undefined : contractName(emulator, contractId);
    if (contractId === undefined || name === undefined) {
      res.status(403).type('text/plain').send('Request has expired or is not valid');
      return;
    }
    res.status(200).type('application/pdf').send(emulator.files.contractPdf(contractId, name));
  });
  return r;
}

/** Control: put other bytes in as a contract's PDF, or read the ones served. */
export function contractFilesControlRouter(emulator: OneflowEmulator): Router {
  const r = express.Router();
  const raw = express.raw({ type: () => true, limit: '200mb' });
  r.put('/contracts/:id/files/contract', raw, (req, res) => {
    const id = Number(String(req.params.id));
    if (!/^\d+$/.test(String(req.params.id)) || !emulator.contract(id)) {
      res.status(404).json({ error: `no contract ${String(req.params.id)}` });
      return;
    }
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    emulator.files.setContractPdf(id, bytes);
    res.json({ contractId: id, bytes: bytes.byteLength });
  });
  r.get('/contracts/:id/files/contract', (req, res) => {
    const id = Number(String(req.params.id));
    const name = /^\d+$/.test(String(req.params.id)) ? contractName(emulator, id) : undefined;
    if (name === undefined) {
      res.status(404).json({ error: `no contract ${String(req.params.id)}` });
      return;
    }
    res.type('application/pdf').send(emulator.files.contractPdf(id, name));
  });
  return r;
}
