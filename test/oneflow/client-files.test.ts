import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FileTooLarge } from '../../src/http/binary-request';
import { ApiError } from '../../src/http/api-error';
import { OneflowClient } from '../../src/oneflow/client';

/**
 * OneflowClient's file calls against two plain HTTP servers: "Oneflow", which redirects a
 * download to "storage" on another origin, as Oneflow's 302 to its storage URL does. The
 * API token goes to Oneflow only; the size limit holds whether or not the size is declared.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5000, 0x41)]);
const storageHeaders: Array<Record<string, unknown>> = [];
let storage: string;
let oneflow: string;

beforeAll(async () => {
  storage = await serve((req, res) => {
    storageHeaders.push({ ...req.headers });
    if (req.url === '/declared') {
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': PDF.byteLength });
      res.end(PDF);
    } else {
      // Chunked, no Content-Length: the limit must hold while reading.
      res.writeHead(200, { 'Content-Type': 'application/pdf' });
      res.write(PDF.subarray(0, 2000));
      setTimeout(() => res.end(PDF.subarray(2000)), 20);
    }
  });
  oneflow = await serve((req, res) => {
    if (req.headers['x-oneflow-api-token'] !== 'secret-token') {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ detail: 'The API token is invalid.' }));
      return;
    }
    if (req.url === '/v1/contracts/9001/files/') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ count: 1, data: [{ id: 1, name: 'Offer', type: 'contract', extension: 'pdf' }] }),
      );
    } else if (req.url === '/v1/contracts/9001/files/1?download=true') {
      res.writeHead(302, { Location: `${storage}/declared` });
      res.end();
    } else if (req.url === '/v1/contracts/9002/files/1?download=true') {
      res.writeHead(302, { Location: `${storage}/chunked` });
      res.end();
    } else {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ detail: 'Service unavailable' }));
    }
  });
});

const client = () => new OneflowClient({ apiUrl: `${oneflow}/v1`, apiToken: 'secret-token' });

describe('OneflowClient: contract files', () => {
  it("lists the contract's files from Oneflow's list envelope", async () => {
    expect(await client().listContractFiles(9001)).toEqual([
      { id: 1, name: 'Offer', type: 'contract', extension: 'pdf' },
    ]);
  });

  it('follows the 302 to the storage URL and sends the API token to Oneflow only', async () => {
    storageHeaders.length = 0;
    const bytes = await client().downloadContractFile(9001, 1, { maxBytes: 1_000_000 });
    expect(Buffer.from(bytes)).toEqual(PDF);
    expect(storageHeaders).toHaveLength(1);
    expect(storageHeaders[0]).not.toHaveProperty('x-oneflow-api-token');
  });

  it('refuses a file over the limit, by its declared size or while reading it', async () => {
    await expect(client().downloadContractFile(9001, 1, { maxBytes: 1000 })).rejects.toEqual(
      new FileTooLarge(PDF.byteLength, 1000),
    );
    const chunked = await client()
      .downloadContractFile(9002, 1, { maxBytes: 3000 })
      .catch((e: unknown) => e);
    expect(chunked).toBeInstanceOf(FileTooLarge);
    expect((chunked as FileTooLarge).atLeastBytes).toBeGreaterThan(3000);
  });

  it("turns Oneflow's failures into ApiErrors that say whether retrying helps", async () => {
    const down = await client()
      .downloadContractFile(9003, 1, { maxBytes: 1000 })
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ApiError);
    expect(down).toMatchObject({ kind: 'server_error', retryable: true });
    expect((down as ApiError).message).toContain('Service unavailable');
  });
});
