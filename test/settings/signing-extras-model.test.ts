import {
  emptyDocument,
  resourceTitle,
  withDocumentType,
  withToggle,
} from '../../src/server/settings-page/browser/settings-model';

/** The settings page's edits for the signing extras, and how the Runs tab names the Document. */
describe('the signing extras in the settings model', () => {
  it('turns each switch on and off, leaving the document it was given alone', () => {
    const doc = emptyDocument();
    const on = withToggle(withToggle(doc, 'addProducts', true), 'removeProducts', true);
    expect(on.smartSync).toEqual({
      dataFields: true,
      products: true,
      addProducts: true,
      removeProducts: true,
    });
    expect(withToggle(on, 'addProducts', false).smartSync.addProducts).toBe(false);
    expect(doc.smartSync).toEqual({ dataFields: true, products: true });
  });

  it('turning the signed PDF on takes the type shown when none is chosen, and keeps a chosen one', () => {
    expect(withToggle(emptyDocument(), 'attachSignedPdf', true, 3).smartSync).toMatchObject({
      attachSignedPdf: true,
      signedPdfDocumentTypeId: 3,
    });
    const chosen = withDocumentType(emptyDocument(), 4);
    expect(withToggle(chosen, 'attachSignedPdf', true, 1).smartSync.signedPdfDocumentTypeId).toBe(4);
    expect(withToggle(chosen, 'attachSignedPdf', false, 1).smartSync).toMatchObject({
      attachSignedPdf: false,
      signedPdfDocumentTypeId: 4,
    });
  });

  it('names a filed Document by its id and one that was not filed as such', () => {
    const base = { type: 'Document' as const, status: 'updated' as const, properties: [] };
    expect(resourceTitle({ ...base, id: 12, name: 'Office furniture' })).toBe(
      'Document 12 · Office furniture',
    );
    expect(
      resourceTitle({ ...base, id: null, status: 'failed', name: 'the signed PDF of contract 9001' }),
    ).toBe('Document (not filed) · the signed PDF of contract 9001');
  });
});
