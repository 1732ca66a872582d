/// <reference lib="dom" />
import type { MappingObject } from '../../../config/mapping-document';
import { ApiError, SignedOut } from './api-client';
import { whileBusy } from './busy-control';
import { byId, h } from './dom-elements';
import type { MappingDocumentApi } from './mapping-document-api';
import { messageOf, showErrorList } from './page-messages';
import type { PageState } from './page-state';
import {
  describeSource,
  formValuesOf,
  type MappingFormField,
  type MappingFormValues,
  mappingFromForm,
  OBJECT_HELP,
  OBJECTS,
  PARTICIPANT_FIELD_LABELS,
  PARTICIPANT_FIELDS,
  propertyOptions,
  readinessOf,
  splitServerErrors,
  withMapping,
} from './settings-model';

export interface MappingForm {
  /** Opens the dialog on the mapping at `index` of the mapping document, or on a new mapping. */
  open(index?: number): void;
  wire(): void;
}

/** Which control holds each form field; its error message is the element `${id}-error`. */
const FORM_FIELDS: Record<MappingFormField, string> = {
  object: 'f-object',
  property: 'f-property',
  sourceKind: 'f-source-dataField',
  dataField: 'f-dataField',
  participantField: 'f-participantField',
  participant: 'f-participant',
};

/**
 * The Add mapping / Edit mapping dialog. The SuperOffice property is a list of SuperOffice's
 * properties when the catalog has loaded, else a text field, so that mappings can be
 * edited while SuperOffice does not answer.
 */
export function createMappingForm(deps: {
  state: PageState;
  mappingDocumentApi: MappingDocumentApi;
  loadPropertyCatalog: () => Promise<void>;
}): MappingForm {
  const { state, mappingDocumentApi } = deps;
  const dialogState = state.mappingDialog;
  const catalog = state.propertyCatalog;

  function propertyInput(): HTMLInputElement | HTMLSelectElement {
    return catalog.current
      ? byId<HTMLSelectElement>('f-property')
      : byId<HTMLInputElement>('f-property-text');
  }

  function readForm(): MappingFormValues {
    const source = document.querySelector<HTMLInputElement>('input[name="sourceKind"]:checked')?.value;
    return {
      object: byId<HTMLSelectElement>('f-object').value,
      property: propertyInput().value,
      sourceKind: source === 'participantField' ? 'participantField' : 'dataField',
      dataField: byId<HTMLInputElement>('f-dataField').value,
      participantField: byId<HTMLSelectElement>('f-participantField').value,
      participant: byId<HTMLInputElement>('f-participant').value,
    };
  }

  function fillPropertyChoices(object: MappingObject, current: string): void {
    const select = byId<HTMLSelectElement>('f-property');
    const text = byId<HTMLInputElement>('f-property-text');
    select.hidden = catalog.current === null;
    text.hidden = catalog.current !== null;
    if (catalog.current === null) {
      text.value = current;
      return;
    }
    const options = propertyOptions(catalog.current, object, current || undefined);
    select.replaceChildren(
      h('option', { value: '' }, 'Choose a property…'),
      ...options.map((o) => h('option', { value: o.value }, o.label)),
    );
    const match = options.find((o) => o.value.toLowerCase() === current.toLowerCase());
    select.value = match?.value ?? '';
  }

  function updatePropertyWarning(): void {
    const values = readForm();
    const warning = byId('f-property-warning');
    const object = OBJECTS.find((o) => o === values.object);
    const readiness =
      object && values.property ? readinessOf({ object, property: values.property }, catalog.current) : null;
    if (readiness && (readiness.state === 'not-ready' || readiness.state === 'unknown')) {
      warning.textContent = `⚠ ${readiness.message}`;
      warning.hidden = false;
    } else {
      warning.textContent = '';
      warning.hidden = true;
    }
  }

  /** Only a Contact has participants to take a value from. */
  function updateFormVisibility(): void {
    const values = readForm();
    const isContact = values.object === 'Contact';
    const object = OBJECTS.find((o) => o === values.object);
    byId('f-object-help').textContent = object ? `Writes to ${OBJECT_HELP[object]}.` : '';
    byId('f-participant-field').hidden = !isContact;
    byId('f-source').hidden = !isContact;
    const participantSource = isContact && values.sourceKind === 'participantField';
    byId('f-dataField-field').hidden = participantSource;
    byId('f-participantField-field').hidden = !participantSource;
  }

  function clearFormErrors(): void {
    for (const id of [...Object.values(FORM_FIELDS), 'f-property-text']) {
      document.getElementById(id)?.removeAttribute('aria-invalid');
      const error = document.getElementById(`${id}-error`);
      if (error) error.textContent = '';
    }
    byId('mapping-form-errors').hidden = true;
  }

  function open(index?: number): void {
    const mapping = index === undefined ? undefined : state.mappingDocument.current?.mappings[index];
    dialogState.editingIndex = mapping ? index : undefined;
    const values = formValuesOf(mapping);
    byId('mapping-dialog-title').textContent = mapping ? 'Edit mapping' : 'Add mapping';
    byId<HTMLSelectElement>('f-object').value = values.object;
    byId<HTMLInputElement>('f-dataField').value = values.dataField;
    byId<HTMLInputElement>('f-participant').value = values.participant;
    byId<HTMLSelectElement>('f-participantField').value = values.participantField;
    byId<HTMLInputElement>(`f-source-${values.sourceKind}`).checked = true;
    byId('known-data-fields').replaceChildren(
      ...[
        ...new Set(
          (state.mappingDocument.current?.mappings ?? []).flatMap((m) =>
            'dataField' in m ? [m.dataField] : [],
          ),
        ),
      ].map((f) => h('option', { value: f })),
    );
    fillPropertyChoices(values.object as MappingObject, values.property);
    clearFormErrors();
    updateFormVisibility();
    updatePropertyWarning();
    const dialog = byId<HTMLDialogElement>('mapping-dialog');
    dialog.showModal();
    byId('f-object').focus();
    if (catalog.current === null && !catalog.loading) void deps.loadPropertyCatalog();
  }

  function close(): void {
    const dialog = byId<HTMLDialogElement>('mapping-dialog');
    if (dialog.open) dialog.close();
  }

  /** Where the keyboard focus goes when the dialog closes: the row's Edit button, else Add mapping. */
  function focusAfterDialog(): void {
    const target =
      dialogState.editingIndex !== undefined
        ? document.querySelector<HTMLButtonElement>(`[data-edit="${dialogState.editingIndex}"]`)
        : null;
    (target ?? byId('add-mapping')).focus();
  }

  function showFieldErrors(errors: Array<{ field: MappingFormField; message: string }>): void {
    for (const { field, message } of errors) {
      const id = field === 'property' && catalog.current === null ? 'f-property-text' : FORM_FIELDS[field];
      document.getElementById(id)?.setAttribute('aria-invalid', 'true');
      const error = document.getElementById(`${FORM_FIELDS[field]}-error`);
      if (error) error.textContent = message;
    }
    const first = errors[0]!.field;
    (first === 'property' ? propertyInput() : byId(FORM_FIELDS[first])).focus();
  }

  function wire(): void {
    const dialog = byId<HTMLDialogElement>('mapping-dialog');
    const form = byId<HTMLFormElement>('mapping-form');
    byId('add-mapping').addEventListener('click', () => open());
    byId('add-first-mapping').addEventListener('click', () => open());
    byId('mapping-cancel').addEventListener('click', close);
    dialog.addEventListener('close', focusAfterDialog);

    const participantField = byId<HTMLSelectElement>('f-participantField');
    participantField.replaceChildren(
      ...PARTICIPANT_FIELDS.map((f) => h('option', { value: f }, `${PARTICIPANT_FIELD_LABELS[f]} (${f})`)),
    );

    byId('f-object').addEventListener('change', () => {
      const values = readForm();
      fillPropertyChoices(values.object as MappingObject, '');
      updateFormVisibility();
      updatePropertyWarning();
    });
    form.addEventListener('change', (event) => {
      const target = event.target as HTMLElement;
      if (target.getAttribute('name') === 'sourceKind') updateFormVisibility();
      if (target.id === 'f-property' || target.id === 'f-property-text') updatePropertyWarning();
    });
    byId('f-property-text').addEventListener('input', updatePropertyWarning);

    const saveButton = byId<HTMLButtonElement>('mapping-save');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearFormErrors();
      const doc = state.mappingDocument.current;
      if (!doc) return;
      const result = mappingFromForm(readForm());
      if (!result.ok) {
        showFieldErrors(result.errors);
        return;
      }
      const mapping = result.mapping;
      const index = dialogState.editingIndex ?? doc.mappings.length;
      const what = `${mapping.object} ${mapping.property} ← ${describeSource(mapping)}`;
      void whileBusy(saveButton, async () => {
        try {
          await mappingDocumentApi.save(
            withMapping(doc, mapping, dialogState.editingIndex),
            dialogState.editingIndex === undefined ? `Mapping added: ${what}.` : `Mapping saved: ${what}.`,
          );
          // A new mapping's row takes the focus when the dialog closes.
          if (dialogState.editingIndex === undefined) dialogState.editingIndex = index;
          close();
        } catch (err) {
          if (err instanceof SignedOut) {
            close();
            return;
          }
          // The API names this mapping by its place in the document ("mappings[3]…"): its
          // messages come first, without that prefix.
          const errors =
            err instanceof ApiError ? splitServerErrors(err.errors, index) : { mapping: [], other: [] };
          showErrorList(byId('mapping-form-errors'), `Not saved: ${messageOf(err)}`, [
            ...errors.mapping,
            ...errors.other,
          ]);
        }
      });
    });
  }

  return { open, wire };
}
