import express, { type Request, type Router } from 'express';
import { fieldInfoBase, findFieldDef, userDefinedFieldInfo, type ListDef } from './custom-fields';
import { entityKindByName } from './entity-kinds';
import { FULL_TABLE_RIGHT } from './entity-views';
import { apiBase } from './rest-routes';
import { SoApiError } from './errors';
import type { SuperOfficeStore } from './store';

/**
 * Field metadata and lists (shapes from SuperOffice's Swagger definitions):
 *   GET /v1/{Entity}/CustomField[/{fieldName}]             FieldInfoBase (udefs and extra fields)
 *   GET /v1/{Entity}/UdefLayout/Published[/{progIdOrLabel}] UserDefinedFieldInfo (udefs only)
 *   GET /v1/MDOList/{listName}                              MDOListItem[] ("udlist{id}")
 *   GET /v1/List/{idOrName}, GET /v1/List/{idOrName}/Items  ListEntity, ListItemEntity[]
 */

function listNotFound(what: string): SoApiError {
  return new SoApiError(404, 'SoNotFoundException', `List ${what} not found`);
}

function findList(store: SuperOfficeStore, idOrName: string): ListDef | undefined {
  if (/^\d+$/.test(idOrName)) return store.list(Number(idOrName));
  const lower = idOrName.toLowerCase();
  return [...store.lists.values()].find((l) => l.name.toLowerCase() === lower || `udlist${l.id}` === lower);
}

function flag(req: Request, name: string): boolean {
  const value = req.query[name];
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

export function metadataRouter(store: SuperOfficeStore): Router {
  const router = express.Router();

  router.get('/v1/:entity/CustomField', (req, res, next) => {
    const kind = entityKindByName(req.params.entity);
    if (!kind) return next();
    res.json(store.customFields[kind.name].map(fieldInfoBase));
  });

  router.get('/v1/:entity/CustomField/:fieldName', (req, res, next) => {
    const kind = entityKindByName(req.params.entity);
    if (!kind) return next();
    const def = findFieldDef(store.customFields[kind.name], req.params.fieldName);
    // The swagger documents only a 200 here; an unknown field answers 200 with null.
    res.json(def ? fieldInfoBase(def) : null);
  });

  router.get('/v1/:entity/UdefLayout/Published', (req, res, next) => {
    const kind = entityKindByName(req.params.entity);
    if (!kind) return next();
    res.json(
      store.customFields[kind.name]
        .filter((d) => d.kind === 'udef')
        .map((d) => userDefinedFieldInfo(d, kind.name)),
    );
  });

  router.get('/v1/:entity/UdefLayout/Published/:progIdOrLabel', (req, res, next) => {
    const kind = entityKindByName(req.params.entity);
    if (!kind) return next();
    const wanted = req.params.progIdOrLabel.toLowerCase();
    const def = store.customFields[kind.name].find(
      (d) => d.kind === 'udef' && (d.fieldName.toLowerCase() === wanted || d.label.toLowerCase() === wanted),
    );
    // The swagger documents a 404 here ("SaleEntity not found.").
    if (!def)
      throw new SoApiError(
        404,
        'SoNotFoundException',
        `${kind.name} user-defined field ${req.params.progIdOrLabel} not found`,
      );
    res.json(userDefinedFieldInfo(def, kind.name));
  });

  router.get('/v1/MDOList/:listName', (req, res) => {
    const list = findList(store, req.params.listName);
    if (!list || !/^udlist\d+$/i.test(req.params.listName)) {
      throw new SoApiError(
        404,
        'SoNotFoundException',
        `MDO list ${req.params.listName} is not emulated; udef lists are "udlist{id}"`,
      );
    }
    const query = typeof req.query.query === 'string' ? req.query.query.toLowerCase() : undefined;
    res.json(
      list.items
        .filter((i) => !i.deleted && (query === undefined || i.name.toLowerCase().includes(query)))
        .map((i) => ({
          Id: i.id,
          Name: i.name,
          ToolTip: i.tooltip,
          Deleted: i.deleted,
          Rank: i.rank,
          Type: '',
          ChildItems: [],
          IconHint: '',
          ColorBlock: 0,
          ExtraInfo: '',
          StyleHint: '',
          FullName: i.name,
          TableRight: { Mask: 'Select', Reason: '' },
          FieldProperties: {},
        })),
    );
  });

  router.get('/v1/List/:idOrName/Items', (req, res) => {
    const list = findList(store, req.params.idOrName);
    if (!list) throw listNotFound(req.params.idOrName);
    const includeDeleted = flag(req, 'includeDeleted');
    res.json(
      list.items
        .filter((i) => includeDeleted || !i.deleted)
        .map((i) => ({
          Id: i.id,
          Name: i.name,
          Tooltip: i.tooltip,
          Deleted: i.deleted,
          UdListDefinitionId: list.id,
          Rank: i.rank,
          TableRight: FULL_TABLE_RIGHT,
          FieldProperties: {},
        })),
    );
  });

  router.get('/v1/List/:idOrName', (req, res) => {
    const list = findList(store, req.params.idOrName);
    if (!list) throw listNotFound(req.params.idOrName);
    res.json({
      Id: list.id,
      Name: list.name,
      Tooltip: list.tooltip,
      Deleted: false,
      Rank: list.id,
      IsCustomList: true,
      IsMDOList: false,
      UseGroupsAndHeadings: false,
      ListType: `udlist${list.id}`,
      InUseByUserDefinedFields: Object.values(store.customFields).some((defs) =>
        defs.some((d) => d.listId === list.id),
      ),
      TableRight: FULL_TABLE_RIGHT,
      FieldProperties: {},
      _Links: {
        Self: `${apiBase(req)}/v1/List/${list.id}`,
        Items: `${apiBase(req)}/v1/List/${list.id}/Items`,
      },
    });
  });

  return router;
}
