import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConnectionOptions } from '../config/temporal-profile';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** API key, TLS, gRPC metadata (Temporal Cloud); none for the embedded dev server. */
  connection?: TemporalConnectionOptions;
}

export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';
}

function unreachable(target: TemporalTarget, err: unknown, fromEnv: boolean): TemporalUnreachableError {
  const what = fromEnv ? `TEMPORAL_ADDRESS=${target.address}` : `the Temporal server at ${target.address}`;
  // Connection.connect wraps the server's answer ("Failed to connect…"): the cause says why.
  let root: unknown = err;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const message = [err, ...(root === err ? [] : [root])]
    .map((e) => (e instanceof Error ? e.message : String(e)).split('\n')[0])
    .join(': ');
  const code = (root as { code?: unknown }).code;
  // The server answered but refused us: another address would not help, the credentials might.
  const refused = code === 16 || code === 7 || /\b(16 UNAUTHENTICATED|7 PERMISSION_DENIED)\b/.test(message);
  const tls = /certificate|handshake|\bTLS\b|\bSSL\b|tls/i.test(message);
  const hint = !fromEnv
    ? ''
    : refused
      ? 'The server refused the credentials: check TEMPORAL_API_KEY (or the client certificate, ' +
        'TEMPORAL_TLS_CLIENT_CERT_PATH and _KEY_PATH) and that it may use this namespace.'
      : tls
        ? 'The TLS connection failed: check TEMPORAL_TLS_SERVER_CA_CERT_PATH and TEMPORAL_TLS_SERVER_NAME ' +
          '(or TEMPORAL_TLS=false for a server without TLS).'
        : 'Check the address and that the server is running, or unset TEMPORAL_ADDRESS to run the embedded dev server.';
  return new TemporalUnreachableError(`${what}: cannot reach Temporal there (${message}). ${hint}`.trim());
}

/** A client for starting and querying workflows; fails fast with a clear message. */
export async function connectClient(
  target: TemporalTarget,
  { fromEnv = false, connectTimeoutMs = 10_000 } = {},
): Promise<{ client: Client; connection: Connection }> {
  try {
    const connection = await Connection.connect({
      ...target.connection,
      address: target.address,
      connectTimeout: connectTimeoutMs,
    });
    // connect() succeeds lazily on some failures; one cheap call proves the server answers.
    await connection.workflowService.getSystemInfo({});
    await connection.workflowService
      .describeNamespace({ namespace: target.namespace })
      .catch((err: Error) => {
        throw new Error(`namespace "${target.namespace}" is not available: ${err.message}`);
      });
    return { client: new Client({ connection, namespace: target.namespace }), connection };
  } catch (err) {
    throw unreachable(target, err, fromEnv);
  }
}

/** The worker's own connection (a native, Rust-side one). */
export async function connectWorker(
  target: TemporalTarget,
  { fromEnv = false } = {},
): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ ...target.connection, address: target.address });
  } catch (err) {
    throw unreachable(target, err, fromEnv);
  }
}

/** True when the frontend answers within `timeoutMs`. */
const probesInFlight = new WeakMap<Connection, Set<Promise<boolean>>>();

export async function isTemporalReachable(connection: Connection, timeoutMs = 2_000): Promise<boolean> {
  const probe = connection
    .withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}))
    .then(
      () => true,
      () => false,
    );
  const inFlight = probesInFlight.get(connection) ?? new Set();
  probesInFlight.set(connection, inFlight);
  inFlight.add(probe);
  void probe.finally(() => inFlight.delete(probe));
  return probe;
}

/**
 * Closes a connection once its reachability probes have settled: the client retries a
 * call on a timer, and a retry that fires after the channel closed throws from that timer.
 */
export async function closeAfterProbes(connection: Connection): Promise<void> {
  await Promise.all([...(probesInFlight.get(connection) ?? [])]);
  await connection.close();
}
