import { parseArgs } from 'node:util';
import { startOneflowEmulator } from './oneflow';
import { startSuperOfficeEmulator } from './superoffice';

/**
 * `npm run emulators`: both emulators with the demo data, for trying the clients by
 * hand or pointing a locally run Smart Sync at them. Ports: --oneflow-port (4010) and
 * --superoffice-port (4020), or DEMO_ONEFLOW_PORT / DEMO_SUPEROFFICE_PORT.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'oneflow-port': { type: 'string' },
      'superoffice-port': { type: 'string' },
      'webhook-url': { type: 'string' },
      host: { type: 'string' },
    },
  });
  const port = (flag: string | undefined, env: string | undefined, fallback: number, name: string) => {
    const raw = flag ?? env ?? String(fallback);
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
    return n;
  };
  const host = values.host ?? '127.0.0.1';
  const oneflow = await startOneflowEmulator({
    port: port(values['oneflow-port'], process.env.DEMO_ONEFLOW_PORT, 4010, '--oneflow-port'),
    host,
    ...(values['webhook-url'] ? { webhookUrl: values['webhook-url'] } : {}),
  });
  const superoffice = await startSuperOfficeEmulator({
    port: port(values['superoffice-port'], process.env.DEMO_SUPEROFFICE_PORT, 4020, '--superoffice-port'),
    host,
  });
  process.stdout.write(
    [
      'Emulators running with the demo data:',
      `  Oneflow      ONEFLOW_API_URL=${oneflow.apiUrl}       control plane ${oneflow.origin}/_emulator/state`,
      `  SuperOffice  SUPEROFFICE_API_URL=${superoffice.apiUrl}   control plane ${superoffice.origin}/_emulator/state`,
      `  Oneflow webhooks go to: ${values['webhook-url'] ?? '(none yet: PUT /_emulator/webhook {"url": …} or pass --webhook-url)'}`,
      'Ctrl-C stops them.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await oneflow.close();
    await superoffice.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: Error) => {
  process.stderr.write(`Could not start the emulators: ${err.message}\n`);
  process.exit(1);
});
