import express, { Router } from 'express';
import { parseMappingDocument, checkMappingsAgainstCatalog } from '../config/mapping-document';
import type { Logger } from '../logging/logger';
import type { SettingsStore } from '../settings/settings-store';
import { loadPropertyCatalog } from '../superoffice/catalog-loader';
import type { SuperOfficeClient } from '../superoffice/client';
import { TemporalUnavailableError, type TemporalSyncStarter } from '../temporal/sync-starter';
import { requireAdminToken } from './admin-auth';

function contractIdParam(raw: string | undefined): number | null {
  return raw && /^\d{1,15}$/.test(raw) && Number(raw) > 0 ? Number(raw) : null;
}

/** The admin API of the brief: JSON in and out, bearer SMART_SYNC_ADMIN_TOKEN. */
export function adminRouter(deps: {
  starter: TemporalSyncStarter;
  store: SettingsStore;
  superoffice: SuperOfficeClient;
  adminToken: string;
  logger: Logger;
}): Router {
  const r = Router();
  r.use('/api', requireAdminToken(deps.adminToken), express.json({ limit: '1mb' }));

  r.get('/api/config', async (_req, res) => {
    const doc = await deps.store.getMappingDocument();
    if (!doc) {
      res.status(404).json({ error: 'no mapping document is configured yet; PUT one to /api/config' });
      return;
    }
    res.json(doc);
  });

  r.put('/api/config', async (req, res) => {
    const parsed = parseMappingDocument(req.body);
    if (!parsed.ok) {
      res.status(400).json({ error: 'invalid mapping document', errors: parsed.errors });
      return;
    }
    await deps.store.setMappingDocument(parsed.value);
    // Warnings need SuperOffice; the document is saved whether or not it answers.
    let warnings: Array<{ path: string; message: string }> = [];
    try {
      warnings = checkMappingsAgainstCatalog(parsed.value, await loadPropertyCatalog(deps.superoffice));
    } catch (err) {
      warnings = [{ path: '', message: `could not check the mappings against SuperOffice: ${(err as Error).message}` }];
    }
    deps.logger.info({ mappings: parsed.value.mappings.length }, 'mapping document replaced');
    res.json({ ...parsed.value, warnings });
  });

  r.get('/api/properties', async (_req, res) => {
    try {
      res.json(await loadPropertyCatalog(deps.superoffice));
    } catch (err) {
      res.status(502).json({ error: `SuperOffice did not answer with its field metadata: ${(err as Error).message}` });
    }
  });

  r.post('/api/contracts/:id/resync', async (req, res) => {
    const id = contractIdParam(req.params.id);
    if (id === null) {
      res.status(400).json({ error: `"${req.params.id}" is not a Oneflow contract id (a positive whole number)` });
      return;
    }
    try {
      const run = await deps.starter.startManual(id);
      deps.logger.info({ contractId: id, workflowId: run.workflowId, runId: run.runId }, 'manual re-run started');
      res.status(202).json({ contractId: id, workflowId: run.workflowId, runId: run.runId, link: run.link });
    } catch (err) {
      if (err instanceof TemporalUnavailableError) {
        res.status(503).json({ error: err.message });
        return;
      }
      throw err;
    }
  });

  r.get('/api/contracts/:id/runs', async (req, res) => {
    const id = contractIdParam(req.params.id);
    if (id === null) {
      res.status(400).json({ error: `"${req.params.id}" is not a Oneflow contract id (a positive whole number)` });
      return;
    }
    res.json({ contractId: id, runs: await deps.starter.listRuns(id) });
  });

  r.get('/api/runs/:workflowId', async (req, res) => {
    const runId = typeof req.query.runId === 'string' ? req.query.runId : undefined;
    const detail = await deps.starter.describeRun(req.params.workflowId, runId);
    if (!detail) {
      res.status(404).json({ error: `no run with workflow id ${req.params.workflowId}` });
      return;
    }
    res.json(detail);
  });

  return r;
}
