import type { MappingDocument } from '../../src/config/mapping-document';
import {
  formatBytes,
  pdfTooLargeReason,
  planSignedPdf,
  signedContractFile,
  signedPdfMarker,
  signedPdfNames,
} from '../../src/mapping/signed-pdf';
import type { ContractFacts } from '../../src/workflow-contract';

const facts = (over: Partial<ContractFacts> = {}): ContractFacts => ({
  contractId: 9001,
  state: 'signed',
  signedAt: '2026-12-01T10:00:00+0000',
  dataFields: {},
  counterpartyParticipants: [],
  products: [],
  ...over,
});

const document = (smartSync: Partial<MappingDocument['smartSync']> = {}): MappingDocument => ({
  smartSync: {
    dataFields: true,
    products: true,
    attachSignedPdf: true,
    signedPdfDocumentTypeId: 4,
    ...smartSync,
  },
  links: { sale: 'superoffice_sale_id' },
  mappings: [],
});

describe('planSignedPdf', () => {
  it('files on the Sale with its Company and the first matched Contact, under the chosen type and the 25 MB default limit', () => {
    expect(
      planSignedPdf({
        facts: facts(),
        document: document(),
        saleId: 2001,
        companyId: 101,
        personIds: [301, 302],
      }),
    ).toEqual({
      contractId: 9001,
      saleId: 2001,
      companyId: 101,
      personId: 301,
      documentTemplateId: 4,
      marker: '[Smart sync] Signed PDF of Oneflow contract 9001, signed 2026-12-01T10:00:00+0000',
      maxBytes: 25 * 1024 * 1024,
      date: '2026-12-01T10:00:00.000Z',
    });
  });

  it('dates the Document with the signing time in ISO 8601, or not at all when the time is unreadable', () => {
    const plan = (signedAt: string) =>
      planSignedPdf({ facts: facts({ signedAt }), document: document(), saleId: 2001, personIds: [] });
    expect(plan('2026-12-01T11:30:00+0100')?.date).toBe('2026-12-01T10:30:00.000Z');
    expect(plan('not a time')).not.toHaveProperty('date');
  });

  it('takes the limit from signedPdfMaxBytes, and links no Company or Contact it does not know', () => {
    const plan = planSignedPdf({
      facts: facts(),
      document: document({ signedPdfMaxBytes: 1000 }),
      saleId: 2001,
      personIds: [],
    });
    expect(plan).toMatchObject({ maxBytes: 1000 });
    expect(plan).not.toHaveProperty('companyId');
    expect(plan).not.toHaveProperty('personId');
  });

  it('plans nothing when the switch is off, no document type is chosen, or the contract is not signed', () => {
    const base = { saleId: 2001, personIds: [] };
    expect(
      planSignedPdf({ ...base, facts: facts(), document: document({ attachSignedPdf: false }) }),
    ).toBeUndefined();
    expect(
      planSignedPdf({ ...base, facts: facts(), document: document({ signedPdfDocumentTypeId: undefined }) }),
    ).toBeUndefined();
    expect(
      planSignedPdf({ ...base, facts: facts({ state: 'pending' }), document: document() }),
    ).toBeUndefined();
  });
});

describe('signedPdfMarker', () => {
  it('differs per signing, so a contract signed again after a reset is filed again', () => {
    expect(signedPdfMarker(9001, '2026-12-01T10:00:00Z')).not.toBe(
      signedPdfMarker(9001, '2026-12-02T10:00:00Z'),
    );
    expect(signedPdfMarker(9001, undefined)).toBe('[Smart sync] Signed PDF of Oneflow contract 9001');
  });
});

describe('signedPdfNames', () => {
  it('names the Document after the contract, with a file name SuperOffice accepts', () => {
    expect(signedPdfNames(9001, '  Office  furniture: Nordlys / 2026 ')).toEqual({
      header: 'Office furniture: Nordlys / 2026',
      fileName: 'Office furniture_ Nordlys _ 2026.pdf',
    });
    expect(signedPdfNames(9001, null)).toEqual({
      header: 'Oneflow contract 9001',
      fileName: 'Oneflow contract 9001.pdf',
    });
  });
});

describe('the size check', () => {
  it('says how big the PDF was and what the limit is, and where to change it', () => {
    expect(pdfTooLargeReason(30 * 1024 * 1024, 25 * 1024 * 1024)).toBe(
      'the signed PDF is 30 MB or more, over the limit of 25 MB (smartSync.signedPdfMaxBytes); it was not filed in SuperOffice, so file it by hand or raise the limit',
    );
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(2048)).toBe('2.0 kB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
  });
});

describe('signedContractFile', () => {
  it('picks the file of type "contract" among the attachments', () => {
    const files = [
      { id: 7, type: 'attachment' },
      { id: 1, type: 'contract' },
      { id: 2, type: 'verification' },
    ];
    expect(signedContractFile(files)).toEqual({ id: 1, type: 'contract' });
    expect(signedContractFile([{ id: 7, type: 'attachment' }])).toBeUndefined();
  });
});
