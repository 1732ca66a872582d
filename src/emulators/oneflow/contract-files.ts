import { randomBytes } from 'node:crypto';

/**
 * A contract's files, as Oneflow serves them (its files how-to and Power Platform
 * connector): `GET /v1/contracts/{id}/files/` lists `{id, name, type, extension}` (the
 * signed contract is type "contract", file id 1, "always available"), and
 * `GET /v1/contracts/{id}/files/{file_id}?download=true` answers 302 to a storage URL that
 * serves the bytes without Oneflow's token (pre-signed, short-lived). The list's envelope is
 * not documented; it is answered as Oneflow's other lists are, `{_links, count, data}`.
 *
 * The routes are in contract-file-routes.ts. Each contract's PDF is made up from its name and id unless a test put other bytes in
 * (PUT /_emulator/contracts/{id}/files/contract), e.g. a PDF over Smart Sync's size limit.
 */

export const CONTRACT_FILE_ID = 1;
/** How long a storage URL works, as a pre-signed URL would. */
const STORAGE_URL_TTL_MS = 5 * 60_000;

/** A small, valid one-page PDF naming the contract. */
export function demoContractPdf(contractId: number, name: string): Buffer {
  const text = `Signed contract ${contractId}: ${name}`.replace(/[()\\]/g, ' ');
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export class ContractFiles {
  private readonly replaced = new Map<number, Buffer>();
  private readonly storage = new Map<string, { contractId: number; expires: number }>();

  clear(): void {
    this.replaced.clear();
    this.storage.clear();
  }

  setContractPdf(contractId: number, bytes: Buffer): void {
    this.replaced.set(contractId, bytes);
  }

  contractPdf(contractId: number, name: string): Buffer {
    return this.replaced.get(contractId) ?? demoContractPdf(contractId, name);
  }

  /** A new storage key for the contract's PDF. */
  presign(contractId: number, now = Date.now()): string {
    const key = randomBytes(16).toString('hex');
    this.storage.set(key, { contractId, expires: now + STORAGE_URL_TTL_MS });
    return key;
  }

  redeem(key: string, now = Date.now()): number | undefined {
    const entry = this.storage.get(key);
    if (!entry || entry.expires < now) return undefined;
    return entry.contractId;
  }
}
