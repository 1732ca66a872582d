import { ApiError } from '../http/api-error';
import { FileTooLarge } from '../http/binary-request';
import type { Logger } from '../logging/logger';
import type { OneflowClient } from '../oneflow/client';
import type { SuperOfficeClient } from '../superoffice/client';
import { formatBytes, pdfTooLargeReason, signedContractFile, signedPdfNames } from '../mapping/signed-pdf';
import { activityLogger } from './activity-logger';
import { currentAttempt } from './attempt';
import { nonRetryable, toActivityFailure } from './failures';
import { FAILURE, type ResourceResult, type SignedPdfAttachment } from '../workflow-contract';

/** What an attempt tells the next one through its heartbeats. */
interface AttachProgress {
  /** Set before the Document is created: a Document found by the marker is then this run's own. */
  creating?: boolean;
  documentId?: number;
}

const PROGRESS_EVERY_BYTES = 1024 * 1024;

/**
 * smartSync.attachSignedPdf: the signed contract's PDF, downloaded from Oneflow (its 302 to
 * the storage URL followed) and filed in SuperOffice as a Document on the Sale, its Company
 * and the first matched Contact. The bytes stay inside this one attempt: never in the
 * workflow's history. Never twice for one signing: the Document's Description carries a
 * marker of the contract and its signing time, and the Sale's documents are searched for
 * it before one is created. A PDF over the limit is refused before anything is created.
 */
export function attachSignedPdfActivity(deps: {
  superoffice: SuperOfficeClient;
  oneflow?: OneflowClient;
  logger: Logger;
}) {
  return async function attachSignedPdf(attachment: SignedPdfAttachment): Promise<ResourceResult> {
    const { contractId, saleId } = attachment;
    if (!deps.oneflow) {
      throw nonRetryable(
        FAILURE.Rejected,
        'this worker was started without a Oneflow client, so it cannot download the signed PDF',
      );
    }
    const attempt = currentAttempt();
    const so = deps.superoffice.forAttempt(attempt.scope);
    const oneflow = deps.oneflow.forAttempt(attempt.scope);
    const previous = (attempt.previousDetails ?? {}) as AttachProgress;
    const log = activityLogger(deps.logger, { contractId, saleId });
    const source = `Oneflow contract ${contractId}`;
    try {
      const filed = (await so.listSaleDocuments(saleId)).find((d) =>
        (d.Description ?? '').includes(attachment.marker),
      );
      const ours =
        filed !== undefined && (previous.creating === true || previous.documentId === filed.DocumentId);
      // An earlier run filed this signing's PDF already (a manual re-run, say): left as it is,
      // unless that run stopped before its content was stored (its heartbeat may be lost).
      if (filed && !ours && (await so.getDocumentLength(filed.DocumentId)) > 0) {
        return {
          type: 'Document',
          id: filed.DocumentId,
          name: filed.Header,
          status: 'unchanged',
          properties: [
            { property: 'Signed PDF', status: 'unchanged', display: filed.Name ?? undefined, source },
          ],
        };
      }

      const contract = await oneflow.getContract(contractId);
      const names = signedPdfNames(contractId, contract._private?.name);
      const file = signedContractFile(await oneflow.listContractFiles(contractId));
      if (!file) {
        return failed(
          names.header,
          `Oneflow lists no signed contract file (type "contract") for contract ${contractId}`,
        );
      }
      let nextProgress = PROGRESS_EVERY_BYTES;
      let bytes: Uint8Array;
      try {
        bytes = await oneflow.downloadContractFile(contractId, file.id, {
          maxBytes: attachment.maxBytes,
          onProgress: (n) => {
            if (n < nextProgress) return;
            nextProgress = n + PROGRESS_EVERY_BYTES;
            attempt.scope.onCall();
          },
        });
      } catch (err) {
        if (err instanceof FileTooLarge)
          return failed(names.header, pdfTooLargeReason(err.atLeastBytes, err.maxBytes));
        throw err;
      }

      let documentId = filed?.DocumentId;
      let fileName = filed?.Name ?? names.fileName;
      if (documentId === undefined) {
        attempt.record({ creating: true } satisfies AttachProgress);
        const created = await so.createDocument({
          Header: names.header,
          Name: names.fileName,
          Description: attachment.marker,
          ...(attachment.date ? { Date: attachment.date } : {}),
          DocumentTemplate: { DocumentTemplateId: attachment.documentTemplateId },
          Sale: { SaleId: saleId },
          ...(attachment.companyId !== undefined ? { Contact: { ContactId: attachment.companyId } } : {}),
          ...(attachment.personId !== undefined ? { Person: { PersonId: attachment.personId } } : {}),
        });
        documentId = created.DocumentId;
        fileName = created.Name ?? names.fileName;
        attempt.record({ creating: true, documentId } satisfies AttachProgress);
      }
      await so.setDocumentContent(documentId, bytes);
      log.info({ documentId, bytes: bytes.byteLength }, `signed PDF filed as Document ${documentId}`);
      return {
        type: 'Document',
        id: documentId,
        name: names.header,
        status: 'updated',
        properties: [
          {
            property: 'Signed PDF',
            status: 'written',
            display: `${fileName} (${formatBytes(bytes.byteLength)}), filed on Sale ${saleId}`,
            source,
          },
        ],
      };
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not_found') {
        throw nonRetryable(
          FAILURE.NotFound,
          `filing the signed PDF of contract ${contractId}: ${err.message}`,
        );
      }
      throw toActivityFailure(err, `filing the signed PDF of contract ${contractId}`);
    }
  };

  function failed(header: string, error: string): ResourceResult {
    return { type: 'Document', id: null, name: header, status: 'failed', error, properties: [] };
  }
}
