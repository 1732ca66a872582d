import { DEFAULT_SIGNED_PDF_MAX_BYTES, type MappingDocument } from '../config/mapping-document';
import type { ContractFacts, SignedPdfAttachment } from '../workflow-contract';

/**
 * smartSync.attachSignedPdf: which signed PDF is filed where, under what name, and how a
 * retried step recognises the Document its earlier attempt created. The bytes never pass
 * through here (nor through the workflow's history): the attach step downloads and uploads
 * them within one attempt.
 */

/** Set in the Document's Description: one per signing, so a re-signed contract is filed again. */
export function signedPdfMarker(contractId: number, signedAt: string | undefined): string {
  return `[Smart sync] Signed PDF of Oneflow contract ${contractId}${signedAt ? `, signed ${signedAt}` : ''}`;
}

export function planSignedPdf(input: {
  facts: ContractFacts;
  document: MappingDocument;
  saleId: number;
  companyId?: number;
  personIds: readonly number[];
}): SignedPdfAttachment | undefined {
  const { facts, document } = input;
  const documentTemplateId = document.smartSync.signedPdfDocumentTypeId;
  if (document.smartSync.attachSignedPdf !== true || documentTemplateId === undefined) return undefined;
  if (facts.state !== 'signed') return undefined;
  return {
    contractId: facts.contractId,
    saleId: input.saleId,
    ...(input.companyId !== undefined ? { companyId: input.companyId } : {}),
    ...(input.personIds[0] !== undefined ? { personId: input.personIds[0] } : {}),
    documentTemplateId,
    marker: signedPdfMarker(facts.contractId, facts.signedAt),
    maxBytes: document.smartSync.signedPdfMaxBytes ?? DEFAULT_SIGNED_PDF_MAX_BYTES,
    ...(signingDate(facts.signedAt) ? { date: signingDate(facts.signedAt) } : {}),
  };
}

/**
 * The signing time in the ISO 8601 form SuperOffice's dates take ("2026-12-01T10:00:00.000Z");
 * Oneflow writes its offset without a colon ("+0000"). Undefined when it is not a time.
 */
function signingDate(signedAt: string | undefined): string | undefined {
  if (!signedAt) return undefined;
  const time = Date.parse(signedAt.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** The Document's Header and file name, after the contract ("Office chairs 2026.pdf"). */
export function signedPdfNames(
  contractId: number,
  contractName: string | null | undefined,
): { header: string; fileName: string } {
  const name = (contractName ?? '').trim().replace(/\s+/g, ' ') || `Oneflow contract ${contractId}`;
  // Characters Windows and SuperOffice's document archive refuse in file names.
  const file = [...name]
    .map((c) => (/[\\/:*?"<>|]/.test(c) || c.charCodeAt(0) < 32 ? '_' : c))
    .join('')
    .slice(0, 120);
  return { header: name, fileName: `${file}.pdf` };
}

/** "25 MB", "1.5 MB", "900 bytes": a size as the outcome says it. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} kB`;
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** Why a PDF over the limit was not filed, in words an admin can act on. */
export function pdfTooLargeReason(atLeastBytes: number, maxBytes: number): string {
  return `the signed PDF is ${formatBytes(atLeastBytes)} or more, over the limit of ${formatBytes(maxBytes)} (smartSync.signedPdfMaxBytes); it was not filed in SuperOffice, so file it by hand or raise the limit`;
}

/** The contract's signed PDF among its files: type "contract", which Oneflow says is always there. */
export function signedContractFile<F extends { id: number; type: string | null }>(
  files: readonly F[],
): F | undefined {
  return files.find((f) => f.type === 'contract');
}
