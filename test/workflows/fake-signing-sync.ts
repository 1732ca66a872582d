import type { Client } from '@temporalio/client';
import {
  type SignedContract,
  type SignedContractsPage,
  type SignedContractsPageInput,
  type SigningSyncActivities,
  type SmartSyncInput,
  type StartSigningSyncInput,
  type StartSigningSyncResult,
  signingWorkflowId,
} from '../../src/workflow-contract';
import { nonRetryable } from '../../src/activities/failures';

/**
 * Typed fakes of the two signing-sync activities (listSignedContracts, startSigningSync)
 * for the backfill's workflow tests and its recorded history. The list behaves as the
 * real one is specified to: only the contracts signed in [signedSince, signedUntil),
 * newest first, paged by offset, and `reachedBack` when a paging cap (Oneflow's 19,900,
 * here `maxOffset`) stops the reading short of signedSince. A started sync is a real
 * `smartSync` run under the signing's workflow id, as the contract's queue would start it,
 * so the backfill's real awaitSyncs sees it end.
 */
export interface FakeSigning {
  contractId: number;
  signedAt: string;
  eventId: number;
  /** What startSigningSync finds: default 'sign'. */
  kind?: 'sign' | 'already-synced' | 'reset' | 'deleted' | 'broken';
}

export interface FakeSigningOptions {
  signings: FakeSigning[];
  client: Client;
  taskQueue: string;
  steps?: SmartSyncInput['steps'];
  /** The deepest offset the fake list may be read to (Oneflow: 19,900). */
  maxOffset?: number;
}

export function fakeSigningSync(options: FakeSigningOptions) {
  const maxOffset = options.maxOffset ?? 19_900;
  const byId = new Map(options.signings.map((s) => [s.contractId, s]));
  const starts: StartSigningSyncInput[] = [];
  const pages: SignedContractsPageInput[] = [];
  const startedIds = new Set<number>();

  const activities: SigningSyncActivities = {
    async listSignedContracts(input) {
      pages.push(input);
      const limit = input.limit ?? 100;
      const inWindow = options.signings
        .filter(
          (s) => s.signedAt >= input.signedSince && (!input.signedUntil || s.signedAt < input.signedUntil),
        )
        .sort((a, b) => b.signedAt.localeCompare(a.signedAt));
      const rows = inWindow.slice(input.offset, input.offset + limit);
      const next = input.offset + rows.length;
      const more = next < inWindow.length;
      const page: SignedContractsPage = {
        contracts: rows.map((s): SignedContract => ({ contractId: s.contractId, signedAt: s.signedAt })),
        total: options.signings.length,
      };
      if (more && next <= maxOffset) page.nextOffset = next;
      else if (more) page.reachedBack = rows.at(-1)!.signedAt;
      return page;
    },
    async startSigningSync(input): Promise<StartSigningSyncResult> {
      starts.push(input);
      const s = byId.get(input.contractId);
      if (!s || s.kind === 'deleted') return { outcome: 'not-found', contractId: input.contractId };
      if (s.kind === 'reset') return { outcome: 'not-signed', contractId: input.contractId };
      if (s.kind === 'broken')
        throw nonRetryable('Forbidden', `GET /v1/contracts/${s.contractId}/events → 403 Forbidden`);
      const workflowId = signingWorkflowId(s.contractId, s.eventId);
      const answer = { contractId: s.contractId, eventId: s.eventId, workflowId };
      if (s.kind === 'already-synced' || startedIds.has(s.contractId))
        return { outcome: 'already-synced', ...answer };
      startedIds.add(s.contractId);
      await options.client.workflow.start('smartSync', {
        workflowId,
        taskQueue: options.taskQueue,
        args: [
          {
            contractId: s.contractId,
            trigger: input.trigger,
            eventId: s.eventId,
            ...(options.steps ? { steps: options.steps } : {}),
          },
        ],
      });
      return { outcome: 'started', ...answer };
    },
  };
  return { activities, starts, pages, startedIds };
}

/** `count` signings, one a minute back from `newest`, contract ids from `firstId`. */
export function signingsEveryMinute(count: number, firstId: number, newest: string): FakeSigning[] {
  const t0 = Date.parse(newest);
  return Array.from({ length: count }, (_, i) => ({
    contractId: firstId + i,
    signedAt: new Date(t0 - i * 60_000).toISOString(),
    eventId: 70_000 + i,
  }));
}
