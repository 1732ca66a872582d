import express, { type Response, Router } from 'express';
import {
  checkMappingsAgainstCatalog,
  type MappingDocument,
  parseMappingDocument,
} from '../config/mapping-document';
import type { Logger } from '../logging/logger';
import type { OneflowClient } from '../oneflow/client';
import {
  ANY_VERSION,
  type ExpectedVersion,
  type MappingStore,
  MappingStoreError,
  mappingDocumentVersion,
  VersionConflictError,
} from '../mapping-store/mapping-store';
import { loadPropertyCatalog } from '../superoffice/catalog-loader';
import type { SuperOfficeClient } from '../superoffice/client';
import { TemporalUnavailableError, type TemporalSyncStarter } from '../temporal/sync-starter';
import { type FailureThrottle, requireAdminToken } from './admin-auth';
import { PreviewError, previewContract } from './contract-preview';

const RUNS_LIMIT = { default: 25, max: 200 };

function contractIdParam(raw: string | undefined): number | null {
  return raw && /^\d{1,15}$/.test(raw) && Number(raw) > 0 ? Number(raw) : null;
}

/**
 * A version tag of the mapping document. PUT /api/config honours If-Match with it, so
 * that two admins editing at once cannot silently overwrite each other's changes.
 */
function documentTag(doc: MappingDocument): string {
  return `"${mappingDocumentVersion(doc)}"`;
}

/**
 * If-Match as the version the store is to find, checked there in the same step as the
 * save: checked here first, two PUTs with the same tag could both pass before either saved.
 */
function expectedVersionOf(header: string | undefined): ExpectedVersion | undefined {
  if (header === undefined) return undefined;
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*')) return ANY_VERSION;
  // An unquoted tag is none of ours, and a weak one never satisfies If-Match: neither matches a version.
  return tags.flatMap((t) => /^"([^"]*)"$/.exec(t)?.[1] ?? []);
}

function temporalUnavailable(res: Response, err: unknown): boolean {
  if (!(err instanceof TemporalUnavailableError)) return false;
  res.status(503).json({ error: err.message });
  return true;
}

/** The admin API: JSON in and out, bearer SMART_SYNC_ADMIN_TOKEN (401 without it). */
export function adminRouter(deps: {
  starter: TemporalSyncStarter;
  store: MappingStore;
  superoffice: SuperOfficeClient;
  /** For previews; without it POST /api/contracts/{id}/preview answers 503. */
  oneflow?: OneflowClient;
  adminToken: string;
  logger: Logger;
  /** Wrong-token throttle per client address; tests bring one with a clock of their own. */
  authThrottle?: FailureThrottle;
}): Router {
  const r = Router();
  const auth = requireAdminToken(deps.adminToken, { logger: deps.logger, throttle: deps.authThrottle });
  r.use('/api', auth, express.json({ limit: '1mb' }), (_req, res, next) => {
    // The mapping document and run results are for the admin who asked, not for shared caches.
    res.set('Cache-Control', 'no-store');
    next();
  });

  r.get('/api/config', async (_req, res) => {
    const doc = await deps.store.getMappingDocument();
    if (!doc) {
      res.status(404).json({ error: 'no mapping document is configured yet; PUT one to /api/config' });
      return;
    }
    res.set('ETag', documentTag(doc)).json(doc);
  });

  r.put('/api/config', async (req, res) => {
    const parsed = parseMappingDocument(req.body);
    if (!parsed.ok) {
      res.status(400).json({ error: 'invalid mapping document', errors: parsed.errors });
      return;
    }
    try {
      await deps.store.setMappingDocument(parsed.value, {
        source: 'admin API',
        expectedVersion: expectedVersionOf(req.get('if-match')),
      });
    } catch (err) {
      if (err instanceof VersionConflictError) {
        res.status(412).json({
          error:
            'the mapping document has been changed since you loaded it (If-Match does not match its ETag); load it again and redo your change',
        });
        return;
      }
      if (err instanceof MappingStoreError) {
        // The store kept the document it had, so the admin can send the same request again.
        deps.logger.error({ err }, 'mapping document not saved');
        res.status(503).json({
          error: `the mapping document was not saved: ${err.message}. The stored document is unchanged; send your change again once that is fixed`,
        });
        return;
      }
      throw err;
    }
    // Warnings need SuperOffice; the document is saved whether or not it answers.
    let warnings: Array<{ path: string; message: string }>;
    try {
      warnings = checkMappingsAgainstCatalog(parsed.value, await loadPropertyCatalog(deps.superoffice));
    } catch (err) {
      warnings = [
        { path: '', message: `could not check the mappings against SuperOffice: ${(err as Error).message}` },
      ];
    }
    deps.logger.info({ mappings: parsed.value.mappings.length }, 'mapping document replaced');
    res.set('ETag', documentTag(parsed.value)).json({ ...parsed.value, warnings });
  });

  r.get('/api/properties', async (_req, res) => {
    try {
      res.json(await loadPropertyCatalog(deps.superoffice));
    } catch (err) {
      res
        .status(502)
        .json({ error: `SuperOffice did not answer with its field metadata: ${(err as Error).message}` });
    }
  });

  // The document types the signed PDF can be filed as (smartSync.signedPdfDocumentTypeId).
  r.get('/api/document-types', async (_req, res) => {
    try {
      const templates = await deps.superoffice.listDocumentTemplates();
      res.json({
        documentTypes: templates
          .filter((t) => t.Deleted !== true)
          .map((t) => ({
            id: t.DocumentTemplateId,
            name: t.Name ?? `Document type ${t.DocumentTemplateId}`,
          })),
      });
    } catch (err) {
      res
        .status(502)
        .json({ error: `SuperOffice did not answer with its document types: ${(err as Error).message}` });
    }
  });

  r.post('/api/contracts/:id/resync', async (req, res) => {
    const id = contractIdParam(req.params.id);
    if (id === null) {
      res
        .status(400)
        .json({ error: `"${req.params.id}" is not a Oneflow contract id (a positive whole number)` });
      return;
    }
    try {
      const run = await deps.starter.startManual(id);
      deps.logger.info(
        { contractId: id, workflowId: run.workflowId, runId: run.runId },
        'manual re-run started',
      );
      res.status(202).json({
        contractId: id,
        workflowId: run.workflowId,
        runId: run.runId,
        link: run.link,
        // Runs of one contract never write at the same time: this one starts when that one ends.
        ...(run.queuedBehind ? { queuedBehind: run.queuedBehind } : {}),
      });
    } catch (err) {
      if (temporalUnavailable(res, err)) return;
      throw err;
    }
  });

  r.post('/api/contracts/:id/preview', async (req, res) => {
    const id = contractIdParam(req.params.id);
    if (id === null) {
      res
        .status(400)
        .json({ error: `"${req.params.id}" is not a Oneflow contract id (a positive whole number)` });
      return;
    }
    // No body previews the stored document; a document in the body previews it unsaved.
    const body: unknown = req.body;
    const hasDocument =
      body !== undefined &&
      body !== null &&
      !(typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
    let document: MappingDocument | undefined;
    if (hasDocument) {
      const parsed = parseMappingDocument(body);
      if (!parsed.ok) {
        res.status(400).json({ error: 'invalid mapping document', errors: parsed.errors });
        return;
      }
      document = parsed.value;
    }
    if (!deps.oneflow) {
      res.status(503).json({ error: 'previews need the Oneflow client, which this server was not given' });
      return;
    }
    // An admin who gave up waiting (Ctrl-C) stops the preview's calls too.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    try {
      const preview = await previewContract(
        { oneflow: deps.oneflow, superoffice: deps.superoffice, store: deps.store, logger: deps.logger },
        id,
        { document, signal: gone.signal },
      );
      res.json({ ...preview, document: document ? 'from the request (not saved)' : 'stored' });
    } catch (err) {
      if (err instanceof PreviewError) {
        res.status(err.status).json({ error: err.message });
        return;
      }
      if (gone.signal.aborted) return;
      throw err;
    }
  });

  r.get('/api/contracts/:id/runs', async (req, res) => {
    const id = contractIdParam(req.params.id);
    if (id === null) {
      res
        .status(400)
        .json({ error: `"${req.params.id}" is not a Oneflow contract id (a positive whole number)` });
      return;
    }
    try {
      res.json({ contractId: id, runs: await deps.starter.listRuns(id) });
    } catch (err) {
      if (temporalUnavailable(res, err)) return;
      throw err;
    }
  });

  r.get('/api/runs', async (req, res) => {
    const raw = req.query.limit;
    let limit = RUNS_LIMIT.default;
    if (raw !== undefined) {
      const n = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
      if (!(n >= 1 && n <= RUNS_LIMIT.max)) {
        res.status(400).json({
          error: `limit must be a whole number from 1 to ${RUNS_LIMIT.max}, got ${JSON.stringify(raw)}`,
        });
        return;
      }
      limit = n;
    }
    try {
      res.json({ limit, runs: await deps.starter.listRecentRuns(limit) });
    } catch (err) {
      if (temporalUnavailable(res, err)) return;
      throw err;
    }
  });

  r.get('/api/runs/:workflowId', async (req, res) => {
    const rawRunId = req.query.runId;
    if (rawRunId !== undefined && (typeof rawRunId !== 'string' || !/^[0-9a-f-]{1,64}$/i.test(rawRunId))) {
      res.status(400).json({
        error: `runId must be a Temporal run id such as 0199c2a4-…, got ${JSON.stringify(rawRunId)}`,
      });
      return;
    }
    try {
      const detail = await deps.starter.describeRun(req.params.workflowId, rawRunId);
      if (!detail) {
        res.status(404).json({ error: `no run with workflow id ${req.params.workflowId}` });
        return;
      }
      res.json(detail);
    } catch (err) {
      if (temporalUnavailable(res, err)) return;
      throw err;
    }
  });

  return r;
}
