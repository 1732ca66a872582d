import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ContractSyncsInput,
  ContractSyncsResult,
  SigningRequest,
  SmartSyncInput,
  SyncProgress,
} from './step-io';
import type { SmartSyncResult } from './sync-results';

/**
 * The two workflow types and how to talk to them.
 *
 * `contractSyncs` is one per contract (id `smart-sync-contract-<id>`): it receives every
 * signing and re-run request of the contract and runs them one after another, each as a
 * child `smartSync` run, so that two runs of one contract never write to SuperOffice at
 * the same time and the last one to run reads the contract as it is now.
 */
export const SMART_SYNC_WORKFLOW = 'smartSync';
export const CONTRACT_SYNCS_WORKFLOW = 'contractSyncs';

/** Where a running sync is; answered from memory, so it is cheap to ask while it runs. */
export const progressQuery = defineQuery<SyncProgress>('progress');

/** A signing from a webhook (durable once the signal is accepted, with or without a worker). */
export const signingSignal = defineSignal<[SigningRequest]>('signing');

/** What a request to run a sync got: its run, or the run it waits behind. */
export interface RunRequestAnswer {
  workflowId: string;
  /** Set when the run started at once; unset while it waits behind another run. */
  runId?: string;
  /** The run of this contract that is active now, which this one waits for. */
  queuedBehind?: string;
  /** This workflow id was already taken by an earlier request. */
  duplicate: boolean;
}

/** A request that wants its run's id back (manual re-runs): answered once the run started or was queued. */
export const requestRunUpdate = defineUpdate<RunRequestAnswer, [SigningRequest]>('requestRun');

export interface ContractQueue {
  active?: string;
  pending: string[];
}
export const queueQuery = defineQuery<ContractQueue>('queue');

export function contractSyncsWorkflowId(contractId: number): string {
  return `smart-sync-contract-${contractId}`;
}

/** One run per Oneflow signing event: a redelivered event finds its run by this id. */
export function signingWorkflowId(contractId: number, eventId: number): string {
  return `smart-sync-contract-${contractId}-event-${eventId}`;
}

export function manualRunWorkflowId(contractId: number, unique: string): string {
  return `smart-sync-contract-${contractId}-manual-${unique}`;
}

/** The workflows' signatures, for clients that start them by name. */
export type SmartSyncWorkflow = (input: SmartSyncInput) => Promise<SmartSyncResult>;
export type ContractSyncsWorkflow = (input: ContractSyncsInput) => Promise<ContractSyncsResult>;
