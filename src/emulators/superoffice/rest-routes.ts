import express, { type Request, type Response, type Router } from 'express';
import { runArchiveQuery } from './archive-query';
import {
  appointmentRows,
  findAppointmentArchive,
  personArchive,
  personRows,
  saleActivityArchive,
} from './archives';
import { associateOf } from './auth';
import { carrierId } from './carriers';
import { entityKindByName, type EntityKind } from './entity-kinds';
import { notModifiedSince, type EntityRepository } from './entity-repository';
import { applySelect, appointmentIdsOfSale, entityView } from './entity-views';
import { notFound } from './errors';
import type { SuperOfficeStore } from './store';

/**
 * REST resources under /v1 (the paths of SuperOffice's Swagger-v1-{Sale,Contact,Person,Appointment}.json;
 * PATCH from its REST reference pages):
 *   GET /v1/{Entity}/default, GET/PUT/PATCH/DELETE /v1/{Entity}/{id}, POST /v1/{Entity}
 *   GET /v1/Person, GET /v1/Appointment                 (archives, archive-query.ts)
 *   GET /v1/Contact/{id}/Persons, GET /v1/Sale/{id}/Activities
 * Entity names and paths match case-insensitively, as ASP.NET routing does.
 */

export function apiBase(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
}

function kindOf(req: Request): EntityKind | undefined {
  const name = req.params.entity;
  return typeof name === 'string' ? entityKindByName(name) : undefined;
}

/** The numeric id of the path, or undefined for anything else (no route, as in ASP.NET). */
function idOf(req: Request): number | undefined {
  const raw = req.params.id;
  return typeof raw === 'string' && /^\d+$/.test(raw) && Number(raw) <= 2147483647 ? Number(raw) : undefined;
}

function header(req: Request, name: string): string | undefined {
  return req.get(name) ?? undefined;
}

export function restRouter(store: SuperOfficeStore, entities: EntityRepository): Router {
  const router = express.Router();

  const sendEntity = (req: Request, res: Response, kind: EntityKind, id: number) => {
    const view = entityView(store, kind, entities.get(kind, id), { apiBase: apiBase(req) });
    res.status(200).json(applySelect(view, req.query.$select));
  };

  router.get('/v1/:entity/default', (req, res, next) => {
    const kind = kindOf(req);
    if (!kind) return next();
    res.json(entities.defaults(kind, associateOf(res)));
  });

  router.get('/v1/Person', (req, res) => {
    res.json(runArchiveQuery(personArchive(store), personRows(store), req.query, apiBase(req)));
  });

  router.get('/v1/Appointment', (req, res) => {
    res.json(runArchiveQuery(findAppointmentArchive(), appointmentRows(store), req.query, apiBase(req)));
  });

  router.get('/v1/Contact/:id/Persons', (req, res, next) => {
    const id = idOf(req);
    if (id === undefined) return next();
    if (!store.entity('Contact', id)) throw notFound('Contact', id);
    const rows = personRows(store).filter((r) => carrierId('Contact', r.doc.Contact) === id);
    res.json(runArchiveQuery(personArchive(store), rows, req.query, apiBase(req)));
  });

  router.get('/v1/Sale/:id/Activities', (req, res, next) => {
    const id = idOf(req);
    if (id === undefined) return next();
    if (!store.entity('Sale', id)) throw notFound('Sale', id);
    const rows = appointmentRows(store, appointmentIdsOfSale(store, id));
    res.json(runArchiveQuery(saleActivityArchive(id), rows, req.query, apiBase(req)));
  });

  router.get('/v1/:entity/:id', (req, res, next) => {
    const kind = kindOf(req);
    const id = idOf(req);
    if (!kind || id === undefined) return next();
    // If-Modified-Since → 304 when unchanged since.
    if (notModifiedSince(entities.get(kind, id), header(req, 'if-modified-since'))) {
      res.status(304).end();
      return;
    }
    sendEntity(req, res, kind, id);
  });

  router.post('/v1/:entity', (req, res, next) => {
    const kind = kindOf(req);
    if (!kind) return next();
    // Swagger: POST answers 200 (not 201) with the created entity.
    sendEntity(req, res, kind, entities.create(kind, req.body, associateOf(res)));
  });

  router.put('/v1/:entity/:id', (req, res, next) => {
    const kind = kindOf(req);
    const id = idOf(req);
    if (!kind || id === undefined) return next();
    entities.replace(kind, id, req.body, associateOf(res), {
      ifUnmodifiedSince: header(req, 'if-unmodified-since'),
    });
    sendEntity(req, res, kind, id);
  });

  router.patch('/v1/:entity/:id', (req, res, next) => {
    const kind = kindOf(req);
    const id = idOf(req);
    if (!kind || id === undefined) return next();
    entities.patch(
      kind,
      id,
      req.body,
      associateOf(res),
      { ifUnmodifiedSince: header(req, 'if-unmodified-since') },
      apiBase(req),
    );
    sendEntity(req, res, kind, id);
  });

  router.delete('/v1/:entity/:id', (req, res, next) => {
    const kind = kindOf(req);
    const id = idOf(req);
    if (!kind || id === undefined) return next();
    entities.remove(kind, id, { ifUnmodifiedSince: header(req, 'if-unmodified-since') });
    res.status(204).end();
  });

  return router;
}
