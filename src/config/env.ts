import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { LEGACY_STEP_KEYS, type LegacyStepKey, STEP_NAMES } from '../workflow-contract';
import {
  type SuperOfficeSignIn,
  superOfficeSignIn,
  superOfficeSignInFields,
  superOfficeSignInProblems,
} from './superoffice-sign-in';
import { loadTemporalProfile, type TemporalConnectionOptions } from './temporal-profile';
import { formatDuration, parseDuration } from './duration';
import type { WorkerVersioning } from '../temporal/worker-versioning';

/**
 * The service's environment, validated once at start-up. Every failure names the
 * variable and says what is wrong with it, so a misconfigured deployment stops with a
 * message an operator can act on instead of failing later on first use.
 */

export const DEFAULT_ONEFLOW_API_URL = 'https://api.oneflow.com/v1';

/** Kubernetes' own default terminationGracePeriodSeconds is 30 too; deploy/k8s gives the pod more. */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const port = (name: string, fallback: number) =>
  z
    .preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\d+$/, `${name} must be a whole number between 1 and 65535`)
        .transform(Number)
        .refine((n) => n >= 1 && n <= 65535, `${name} must be between 1 and 65535`)
        .optional(),
    )
    // zod's .default() would skip the transform and hand back the fallback's string form.
    .transform((n) => n ?? fallback);

const httpUrl = (name: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: `${name} must be an http(s) URL, e.g. https://example.com/path` })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  );

const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

/** A guessable bearer token is a front door left ajar: 32 characters is 128 bits as hex. */
export const MIN_TOKEN_LENGTH = 32;

export const MAKE_TOKEN_HINT =
  "make one with `openssl rand -hex 32` or `node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"`";

/** Where the HTTP server listens: an IP address or a host name, never a URL or host:port. */
const listenHost = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine(
      (h) =>
        isIP(h) !== 0 ||
        /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
          h,
        ),
      'SMART_SYNC_HOST must be an IP address or a host name (no scheme, no port), e.g. 127.0.0.1, 0.0.0.0 or ::',
    )
    .optional(),
);

const bearerToken = (name: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (t) => t.length >= MIN_TOKEN_LENGTH,
        `${name} must be at least ${MIN_TOKEN_LENGTH} characters: ${MAKE_TOKEN_HINT}`,
      )
      .optional(),
  );

/** Secrets that only mean something with real endpoints: set without them, a typo in a URL's name is likelier than a wish for the demo. */
const LIVE_SECRETS = [
  'ONEFLOW_API_TOKEN',
  'ONEFLOW_WEBHOOK_SIGN_KEY',
  'SUPEROFFICE_ACCESS_TOKEN',
  'SMART_SYNC_ADMIN_TOKEN',
] as const;

/** Secrets of the other SuperOffice sign-in modes: set without an API URL, they are a mistake too. */
const SIGN_IN_SECRETS = [
  'SUPEROFFICE_CLIENT_SECRET',
  'SUPEROFFICE_REFRESH_TOKEN',
  'SUPEROFFICE_SYSTEM_USER_TOKEN',
  'SUPEROFFICE_PRIVATE_KEY_FILE',
] as const;

/** host:port, as Temporal's clients expect it (no scheme). */
const temporalAddress = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(
      /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/,
      'TEMPORAL_ADDRESS must be host:port without a scheme, e.g. temporal.internal:7233',
    )
    .optional(),
);

const stepOptionsSchema = z.strictObject({
  scheduleToCloseTimeoutMs: z.number().int().positive().optional(),
  startToCloseTimeoutMs: z.number().int().positive().optional(),
  heartbeatTimeoutMs: z.number().int().positive().optional(),
  initialIntervalMs: z.number().int().positive().optional(),
  maximumIntervalMs: z.number().int().positive().optional(),
  backoffCoefficient: z.number().min(1).optional(),
  maximumAttempts: z.number().int().min(0).optional(),
});

const STEP_KEYS = [...STEP_NAMES, ...(Object.keys(LEGACY_STEP_KEYS) as LegacyStepKey[])] as const;

/**
 * Retry and timeout overrides per step of the workflow, as JSON, keyed by activity name
 * (as the Web UI shows them) or by the step keys of version 0.1 (normalizeStepOverrides
 * folds those in).
 */
export const retryPoliciesSchema = z.partialRecord(z.enum(STEP_KEYS), stepOptionsSchema);

const retryPolicies = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .transform((text, ctx) => {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'SMART_SYNC_RETRY_POLICIES must be JSON, e.g. {"updateCompany":{"maximumAttempts":5}}',
        });
        return z.NEVER;
      }
      const parsed = retryPoliciesSchema.safeParse(json);
      if (!parsed.success) {
        const first = parsed.error.issues[0]!;
        ctx.addIssue({
          code: 'custom',
          message: `SMART_SYNC_RETRY_POLICIES: ${first.path.join('.') || '(root)'}: ${first.message} (steps, by activity name: ${STEP_NAMES.join(', ')}; or by the 0.1 steps: ${Object.keys(LEGACY_STEP_KEYS).join(', ')}; options: scheduleToCloseTimeoutMs, startToCloseTimeoutMs, heartbeatTimeoutMs, initialIntervalMs, maximumIntervalMs, backoffCoefficient, maximumAttempts)`,
        });
        return z.NEVER;
      }
      return parsed.data;
    })
    .optional(),
);

/**
 * A duration variable, e.g. `15m`, within bounds. `allowOff`: the word `off` is accepted
 * and read as null (the feature switched off).
 */
const durationVar = (name: string, fallback: string, min: number, max: number, allowOff = false) =>
  z.preprocess(
    (v) => emptyToUndefined(v) ?? fallback,
    z.string().transform((text, ctx) => {
      if (allowOff && text.trim().toLowerCase() === 'off') return null;
      const ms = parseDuration(text);
      if (ms === undefined || ms < min || ms > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a duration from ${formatDuration(min)} to ${formatDuration(max)} such as 15m, 26h or 1h30m${allowOff ? ', or off' : ''}; got "${text.slice(0, 40)}"`,
        });
        return z.NEVER;
      }
      return ms;
    }),
  );

/** A libpq-style URL; its password is never echoed back in a message. */
export const databaseUrl = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine((v) => {
      try {
        const url = new URL(v);
        return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, 'DATABASE_URL must be a PostgreSQL URL, postgres://user:password@host:5432/database (add ?sslmode=require for TLS), or unset to keep the settings in SQLite under SMART_SYNC_DATA_DIR')
    .optional(),
);

export const envSchema = z
  .object({
    PORT: port('PORT', 3000),
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: z.preprocess(emptyToUndefined, z.string().default('default')),
    TEMPORAL_TASK_QUEUE: z.preprocess(emptyToUndefined, z.string().default('smart-sync')),
    /** Where links to runs point; defaults to the embedded dev server's UI. */
    TEMPORAL_UI_URL: httpUrl('TEMPORAL_UI_URL'),
    TEMPORAL_UI_PORT: port('TEMPORAL_UI_PORT', 8233),
    /** gRPC port of the embedded dev server. */
    TEMPORAL_DEV_SERVER_PORT: port('TEMPORAL_DEV_SERVER_PORT', 7233),
    TEMPORAL_CLI_PATH: optionalString,
    /** Read by the SDK's environment configuration (see temporal-profile.ts); named here so they count as known. */
    TEMPORAL_API_KEY: optionalString,
    TEMPORAL_TLS: optionalString,
    TEMPORAL_PROFILE: optionalString,
    TEMPORAL_CONFIG_FILE: optionalString,
    /** `smart-sync worker` serves /healthz, /readyz and /metrics here. */
    SMART_SYNC_WORKER_HEALTH_PORT: port('SMART_SYNC_WORKER_HEALTH_PORT', 9091),
    /** How long SIGTERM lets in-flight activities and webhooks finish (see runService). */
    SMART_SYNC_SHUTDOWN_GRACE_SECONDS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\d+$/, 'SMART_SYNC_SHUTDOWN_GRACE_SECONDS must be a whole number of seconds, e.g. 30')
        .transform(Number)
        .refine((n) => n <= 3600, 'SMART_SYNC_SHUTDOWN_GRACE_SECONDS must be at most 3600 (an hour)')
        .optional(),
    ),
    /** The main worker's workflow cache (see worker-tuning.ts); default: sized for the machine. */
    SMART_SYNC_MAX_CACHED_WORKFLOWS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          /^\d+$/,
          'SMART_SYNC_MAX_CACHED_WORKFLOWS must be a whole number of workflows, e.g. 250, or 0 for no cache',
        )
        .transform(Number)
        // The SDK treats 1 as 2 with a warning; refusing it keeps the setting what it says.
        .refine((n) => n !== 1, 'SMART_SYNC_MAX_CACHED_WORKFLOWS must be 0 (no cache) or at least 2')
        .optional(),
    ),
    /** Worker Deployment versioning, as Temporal's Worker Controller names it (see worker-versioning.ts). */
    TEMPORAL_DEPLOYMENT_NAME: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          /^[A-Za-z0-9_\-/]{1,200}$/,
          'TEMPORAL_DEPLOYMENT_NAME must be letters, digits, -, _ or / (no dots), e.g. smart-sync',
        )
        .optional(),
    ),
    TEMPORAL_WORKER_BUILD_ID: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          /^[A-Za-z0-9_\-.]{1,200}$/,
          'TEMPORAL_WORKER_BUILD_ID must be letters, digits, -, _ or ., e.g. 2026-12-02.1',
        )
        .optional(),
    ),
    SMART_SYNC_VERSIONING_BEHAVIOR: z.preprocess(
      emptyToUndefined,
      z
        .enum(['auto-upgrade', 'pinned'], {
          error: 'SMART_SYNC_VERSIONING_BEHAVIOR must be auto-upgrade (the default) or pinned',
        })
        .optional(),
    ),
    ONEFLOW_API_URL: httpUrl('ONEFLOW_API_URL'),
    ONEFLOW_API_TOKEN: optionalString,
    ONEFLOW_USER_EMAIL: z.preprocess(
      emptyToUndefined,
      z.email({ error: 'ONEFLOW_USER_EMAIL must be an email address' }).optional(),
    ),
    ONEFLOW_WEBHOOK_SIGN_KEY: optionalString,
    SUPEROFFICE_API_URL: httpUrl('SUPEROFFICE_API_URL'),
    SUPEROFFICE_ACCESS_TOKEN: optionalString,
    ...superOfficeSignInFields,
    SMART_SYNC_ADMIN_TOKEN: optionalString,
    /** Where browsers reach this service; the SuperOffice OAuth redirect URI is built on it. */
    SMART_SYNC_PUBLIC_URL: httpUrl('SMART_SYNC_PUBLIC_URL'),
    /** Encrypts stored connections (the SuperOffice refresh token); required once one is stored. */
    SMART_SYNC_SECRET_KEY: bearerToken('SMART_SYNC_SECRET_KEY'),
    /** Bearer token for GET /metrics; unset, only loopback clients may scrape (see docs/security.md). */
    SMART_SYNC_METRICS_TOKEN: bearerToken('SMART_SYNC_METRICS_TOKEN'),
    /** Listen address of the HTTP server; unset: 127.0.0.1 in demo mode, every interface in live mode. */
    SMART_SYNC_HOST: listenHost,
    SMART_SYNC_CONFIG: optionalString,
    SMART_SYNC_RETRY_POLICIES: retryPolicies,
    /** How often reconciliation looks for signings no webhook brought; `off` removes its schedule. */
    SMART_SYNC_RECONCILE_EVERY: durationVar('SMART_SYNC_RECONCILE_EVERY', '15m', 1_000, 7 * 86_400_000, true),
    /** How far back each reconciliation looks: beyond Oneflow's ~2 h of webhook retries by default. */
    SMART_SYNC_RECONCILE_WINDOW: durationVar('SMART_SYNC_RECONCILE_WINDOW', '26h', 60_000, 31 * 86_400_000),
    /** Ports of the built-in emulators in demo mode. */
    DEMO_ONEFLOW_PORT: port('DEMO_ONEFLOW_PORT', 4010),
    DEMO_SUPEROFFICE_PORT: port('DEMO_SUPEROFFICE_PORT', 4020),
    /** Folder for the embedded Temporal database and other local state. */
    SMART_SYNC_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('data')),
    /** postgres://…: the settings live in this PostgreSQL database instead of SQLite under SMART_SYNC_DATA_DIR. */
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
  })
  .superRefine((env, ctx) => {
    // Neither URL set is demo mode. Oneflow has a public default URL; a SuperOffice
    // tenant does not, so setting only ONEFLOW_API_URL is a mistake worth stopping on.
    if (env.ONEFLOW_API_URL === undefined && env.SUPEROFFICE_API_URL === undefined) {
      // Real secrets without a URL would run the demo with its well-known admin token on a
      // machine the operator believes is configured: stop instead of guessing.
      const given = [...LIVE_SECRETS, ...SIGN_IN_SECRETS].filter((name) => env[name] !== undefined);
      if (given.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: [given[0]!],
          message:
            `${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set but neither SUPEROFFICE_API_URL nor ONEFLOW_API_URL is: ` +
            "set SUPEROFFICE_API_URL to your tenant's web API base to run against the real services, " +
            'or unset the secrets to run the built-in demo',
        });
      }
      return;
    }
    if (env.SUPEROFFICE_API_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SUPEROFFICE_API_URL'],
        message:
          "SUPEROFFICE_API_URL is not set but ONEFLOW_API_URL is: set it to your tenant's web API base " +
          '(e.g. https://sod2.superoffice.com/Cust12345/api), or unset both to run the built-in demo emulators',
      });
    }
    for (const name of LIVE_SECRETS) {
      // SuperOffice has several ways to sign in: one complete one is required, not this token.
      if (name === 'SUPEROFFICE_ACCESS_TOKEN') {
        for (const problem of superOfficeSignInProblems(env)) {
          ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
        }
        continue;
      }
      if (!env[name]) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} is required when real services are configured`,
        });
      }
    }
    if (env.SMART_SYNC_ADMIN_TOKEN && env.SMART_SYNC_ADMIN_TOKEN.length < MIN_TOKEN_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMART_SYNC_ADMIN_TOKEN'],
        message: `SMART_SYNC_ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters when real services are configured: ${MAKE_TOKEN_HINT}`,
      });
    }
  });

export type RawEnv = z.output<typeof envSchema>;

export interface Environment {
  port: number;
  /** Where `smart-sync worker` serves its health and metrics (SMART_SYNC_WORKER_HEALTH_PORT). */
  workerHealthPort: number;
  /** SMART_SYNC_SHUTDOWN_GRACE_SECONDS (default 30), in ms: how long SIGTERM drains. */
  shutdownGraceMs: number;
  /** SMART_SYNC_MAX_CACHED_WORKFLOWS; undefined: sized for the machine (worker-tuning.ts). */
  maxCachedWorkflows: number | undefined;
  temporal: {
    /** Unset: run the embedded dev server. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    uiUrl: string;
    uiPort: number;
    devServerPort: number;
    cliPath: string | undefined;
    /** API key, TLS and gRPC metadata from the SDK's environment configuration. */
    connection: TemporalConnectionOptions;
    /** Worker Deployment versioning (TEMPORAL_DEPLOYMENT_NAME); undefined: off. */
    versioning?: WorkerVersioning;
  };
  /** Demo mode: no real endpoints configured, so the built-in emulators stand in. */
  demo: boolean;
  demoPorts: { oneflow: number; superoffice: number };
  oneflow: {
    apiUrl: string | undefined;
    apiToken: string | undefined;
    userEmail: string | undefined;
    webhookSignKey: string | undefined;
  };
  superoffice: {
    apiUrl: string | undefined;
    accessToken: string | undefined;
    /** Undefined in demo mode. */
    signIn?: SuperOfficeSignIn;
  };
  adminToken: string | undefined;
  /** SMART_SYNC_PUBLIC_URL, or http://localhost:$PORT. */
  publicUrl: string;
  /** SMART_SYNC_SECRET_KEY: the key stored connections are encrypted with. */
  secretKey: string | undefined;
  /** Bearer token for GET /metrics; unset, only loopback clients may scrape. */
  metricsToken: string | undefined;
  /** Listen address of the HTTP server; undefined: every interface. */
  host: string | undefined;
  configPath: string | undefined;
  /** Per-step retry and timeout overrides (SMART_SYNC_RETRY_POLICIES). */
  retryPolicies: z.output<typeof retryPoliciesSchema>;
  /** Reconciliation of lost webhooks: its interval (null: off) and window, in milliseconds. */
  reconcile: { everyMs: number | null; windowMs: number };
  dataDir: string;
  /** DATABASE_URL: settings in PostgreSQL; undefined: in SQLite under dataDir. */
  databaseUrl: string | undefined;
  logLevel: RawEnv['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadEnvironment(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Environment {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        // zod's own messages for a missing or mistyped value do not name the variable.
        return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const demo = e.ONEFLOW_API_URL === undefined && e.SUPEROFFICE_API_URL === undefined;
  let profile;
  try {
    profile = loadTemporalProfile(env, cwd);
  } catch (err) {
    const source = e.TEMPORAL_CONFIG_FILE
      ? `TEMPORAL_CONFIG_FILE=${e.TEMPORAL_CONFIG_FILE}`
      : `TEMPORAL_PROFILE=${e.TEMPORAL_PROFILE ?? ''}`;
    throw new ConfigError([`${source}: ${(err as Error).message}`]);
  }
  return {
    port: e.PORT,
    workerHealthPort: e.SMART_SYNC_WORKER_HEALTH_PORT,
    shutdownGraceMs: (e.SMART_SYNC_SHUTDOWN_GRACE_SECONDS ?? DEFAULT_SHUTDOWN_GRACE_SECONDS) * 1000,
    maxCachedWorkflows: e.SMART_SYNC_MAX_CACHED_WORKFLOWS,
    temporal: {
      // TEMPORAL_ADDRESS wins over a profile's address, as in every SDK program.
      address: e.TEMPORAL_ADDRESS ?? profile.address,
      namespace: profile.namespace ?? e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
      uiPort: e.TEMPORAL_UI_PORT,
      devServerPort: e.TEMPORAL_DEV_SERVER_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
      connection: profile.connection,
      ...(e.TEMPORAL_DEPLOYMENT_NAME
        ? {
            versioning: {
              deploymentName: e.TEMPORAL_DEPLOYMENT_NAME,
              ...(e.TEMPORAL_WORKER_BUILD_ID ? { buildId: e.TEMPORAL_WORKER_BUILD_ID } : {}),
              behavior:
                e.SMART_SYNC_VERSIONING_BEHAVIOR === 'pinned'
                  ? ('PINNED' as const)
                  : ('AUTO_UPGRADE' as const),
            },
          }
        : {}),
    },
    demo,
    demoPorts: { oneflow: e.DEMO_ONEFLOW_PORT, superoffice: e.DEMO_SUPEROFFICE_PORT },
    oneflow: {
      apiUrl: e.ONEFLOW_API_URL ?? (e.SUPEROFFICE_API_URL ? DEFAULT_ONEFLOW_API_URL : undefined),
      apiToken: e.ONEFLOW_API_TOKEN,
      userEmail: e.ONEFLOW_USER_EMAIL,
      webhookSignKey: e.ONEFLOW_WEBHOOK_SIGN_KEY,
    },
    superoffice: {
      apiUrl: e.SUPEROFFICE_API_URL,
      accessToken: e.SUPEROFFICE_ACCESS_TOKEN,
      signIn: demo ? undefined : superOfficeSignIn(e, cwd),
    },
    adminToken: e.SMART_SYNC_ADMIN_TOKEN,
    publicUrl: e.SMART_SYNC_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    secretKey: e.SMART_SYNC_SECRET_KEY,
    metricsToken: e.SMART_SYNC_METRICS_TOKEN,
    // The demo's admin token is public, so the demo is kept off the network unless asked.
    host: e.SMART_SYNC_HOST ?? (demo ? '127.0.0.1' : undefined),
    configPath: e.SMART_SYNC_CONFIG ? path.resolve(cwd, e.SMART_SYNC_CONFIG) : undefined,
    retryPolicies: e.SMART_SYNC_RETRY_POLICIES ?? {},
    // The window does not take `off`, so it is never null; the default is its own fallback.
    reconcile: {
      everyMs: e.SMART_SYNC_RECONCILE_EVERY,
      windowMs: e.SMART_SYNC_RECONCILE_WINDOW ?? 26 * 3_600_000,
    },
    dataDir: path.resolve(cwd, e.SMART_SYNC_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
  };
}
