import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A stand-in for a TLS-enabled Temporal frontend that wants an API key, as Temporal Cloud
 * does: gRPC over HTTP/2 with TLS, each call refused with UNAUTHENTICATED unless it carries
 * `authorization: Bearer <apiKey>`, the others forwarded to the plain dev server. The dev
 * server of the Temporal CLI serves no TLS, hence the proxy.
 */
export interface TlsGrpcProxy {
  /** host:port to put in TEMPORAL_ADDRESS. */
  address: string;
  /** PEM file of the CA that signed the proxy's certificate (TEMPORAL_TLS_SERVER_CA_CERT_PATH). */
  caFile: string;
  /** The name on the certificate (TEMPORAL_TLS_SERVER_NAME). */
  serverName: string;
  /** gRPC calls forwarded (authorized), by method path. */
  forwarded: Map<string, number>;
  /** Calls refused for a missing or wrong key. */
  refused(): number;
  /** user-agent headers of forwarded calls (the client's and the worker's connections differ). */
  userAgents: Set<string>;
  close(): Promise<void>;
}

const SERVER_NAME = 'temporal.test.internal';

/**
 * A CA and a server certificate it signed, made with the openssl binary: a self-signed
 * server certificate is refused by the worker's TLS stack (a CA certificate used as an end
 * entity), so the chain is the one a real cluster has.
 */
function makeCertificates(): { dir: string; ca: string; key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=Smart Sync test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${SERVER_NAME}`,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  const ext = file('server.ext');
  writeFileSync(
    ext,
    `basicConstraints=critical,CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1\n`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    ext,
    '-out',
    file('server.pem'),
  );
  return { dir, ca: file('ca.pem'), key: file('server.key'), cert: file('server.pem') };
}

export interface TlsGrpcProxyOptions {
  /** Holds a call this long before forwarding it, by method name (e.g. SignalWithStartWorkflowExecution). */
  delayMs?: (method: string) => number;
  /** Answers these methods PERMISSION_DENIED, as a namespace that lets an API key do only so much. */
  deny?: (method: string) => boolean;
}

export async function startTlsGrpcProxy(
  upstream: string,
  apiKey: string,
  options: TlsGrpcProxyOptions = {},
): Promise<TlsGrpcProxy> {
  const certs = makeCertificates();
  const forwarded = new Map<string, number>();
  const userAgents = new Set<string>();
  let refused = 0;
  const upstreamSession = http2.connect(`http://${upstream}`);
  upstreamSession.on('error', () => {});
  const server = http2.createSecureServer({
    key: readFileSync(certs.key),
    cert: readFileSync(certs.cert),
    ALPNProtocols: ['h2'],
  });
  server.on('sessionError', () => {});
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    if (headers.authorization !== `Bearer ${apiKey}`) {
      refused++;
      // A trailers-only answer, as a gRPC server sends an error before any message.
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '16',
          'grpc-message': 'missing or wrong API key',
        },
        { endStream: true },
      );
      return;
    }
    const method = String(headers[':path']);
    if (options.deny?.(method.split('/').at(-1)!)) {
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '7',
          'grpc-message': 'Request unauthorized.',
        },
        { endStream: true },
      );
      return;
    }
    forwarded.set(method, (forwarded.get(method) ?? 0) + 1);
    if (headers['user-agent']) userAgents.add(String(headers['user-agent']));
    const outgoing: http2.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (name === ':scheme') outgoing[name] = 'http';
      else if (!['connection', 'keep-alive', 'transfer-encoding'].includes(name)) outgoing[name] = value;
    }
    const delay = options.delayMs?.(method.split('/').at(-1)!) ?? 0;
    if (delay > 0) setTimeout(() => forward(stream, outgoing), delay);
    else forward(stream, outgoing);
  });
  const forward = (stream: http2.ServerHttp2Stream, outgoing: http2.OutgoingHttpHeaders) => {
    if (stream.closed) return;
    const req = upstreamSession.request(outgoing);
    req.on('error', () => stream.close(http2.constants.NGHTTP2_CANCEL));
    stream.on('close', () => {
      if (!req.closed) req.close(http2.constants.NGHTTP2_CANCEL);
    });
    let trailers: http2.IncomingHttpHeaders | undefined;
    req.on('response', (responseHeaders, flags) => {
      const endsHere = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      const { ':status': status, ...rest } = responseHeaders;
      if (endsHere) {
        stream.respond({ ':status': status, ...rest }, { endStream: true });
        return;
      }
      stream.respond({ ':status': status, ...rest }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(withoutPseudo(trailers ?? {})));
      req.pipe(stream);
    });
    req.on('trailers', (t) => (trailers = t));
    stream.pipe(req);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    caFile: certs.ca,
    serverName: SERVER_NAME,
    forwarded,
    refused: () => refused,
    userAgents,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Sessions the clients keep open would hold close() forever.
      for (const session of sessions) session.destroy();
      upstreamSession.destroy();
      await closed;
    },
  };
}

function withoutPseudo(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(':')));
}
