import { parseMappingDocument } from '../../src/config/mapping-document';

/** The 0.3 switches of the mapping document's smartSync object (issue #13). */
const withSmartSync = (smartSync: Record<string, unknown>) => ({
  smartSync: { dataFields: true, products: true, ...smartSync },
  links: { sale: 'superoffice_sale_id' },
  mappings: [],
});

const errorsOf = (input: unknown) => {
  const parsed = parseMappingDocument(input);
  return parsed.ok ? [] : parsed.errors;
};

describe('smartSync switches of 0.3', () => {
  it('accepts all four on with a document type and a size limit, and keeps them', () => {
    const smartSync = {
      markSaleSold: true,
      attachSignedPdf: true,
      signedPdfDocumentTypeId: 4,
      signedPdfMaxBytes: 10_000_000,
      addProducts: true,
      removeProducts: true,
    };
    const parsed = parseMappingDocument(withSmartSync(smartSync));
    expect(parsed).toEqual({ ok: true, value: withSmartSync(smartSync) });
  });

  it('leaves them out of a document written before them: each means off', () => {
    const parsed = parseMappingDocument(withSmartSync({}));
    expect(parsed.ok && parsed.value.smartSync).toEqual({ dataFields: true, products: true });
  });

  it('refuses an unknown key with a message that lists every known one', () => {
    expect(errorsOf(withSmartSync({ attachPdf: true }))).toEqual([
      'smartSync: unknown key "attachPdf"; allowed keys: dataFields, products, markSaleSold, attachSignedPdf, signedPdfDocumentTypeId, signedPdfMaxBytes, addProducts, removeProducts',
    ]);
    expect(errorsOf(withSmartSync({ addproducts: true }))[0]).toContain(
      '"addproducts" (did you mean "addProducts"?)',
    );
  });

  it('says what true and false mean for a switch that is not a boolean', () => {
    expect(errorsOf(withSmartSync({ removeProducts: 'yes' }))).toEqual([
      'smartSync.removeProducts: must be true (delete the quote lines whose product is no longer in the contract) or false (delete no quote lines), got "yes"',
    ]);
    expect(errorsOf(withSmartSync({ attachSignedPdf: 1, signedPdfDocumentTypeId: 4 }))[0]).toContain(
      'must be true (file the signed PDF as a Document on the Sale)',
    );
  });

  it('asks for the document type when the signed PDF is to be filed', () => {
    expect(errorsOf(withSmartSync({ attachSignedPdf: true }))).toEqual([
      'smartSync.signedPdfDocumentTypeId: missing: the document type to file the signed PDF as (pick one on the Smart sync tab; GET /api/document-types lists them), needed when attachSignedPdf is true',
    ]);
  });

  it('refuses a document type or size limit that is not a positive whole number, and a limit over 100 MB', () => {
    expect(errorsOf(withSmartSync({ signedPdfDocumentTypeId: 'Contract' }))[0]).toContain(
      'smartSync.signedPdfDocumentTypeId: must be the id of a SuperOffice document type',
    );
    expect(errorsOf(withSmartSync({ signedPdfDocumentTypeId: 0 }))[0]).toContain('from 1 up, got 0');
    expect(errorsOf(withSmartSync({ signedPdfMaxBytes: 1.5 }))[0]).toContain('a whole number of bytes');
    expect(errorsOf(withSmartSync({ signedPdfMaxBytes: 200 * 1024 * 1024 }))[0]).toContain(
      'at most 104857600 (100 MB)',
    );
  });
});
