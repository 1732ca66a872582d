import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { round } from './stats';

/**
 * What durability costs per sync in Temporal's own terms: history events and workflow
 * tasks (each one a round trip worker ↔ server and a write of the history), read from the
 * histories of a sample of the phase's runs. The dev server's CPU follows these counts.
 */

const EventType = temporal.api.enums.v1.EventType;

export interface WorkflowCost {
  /** Runs whose history was read. */
  sampled: number;
  /** Per run, averaged over the sample. */
  events: number;
  workflowTasks: number;
  activities: number;
  localActivities: number;
  searchAttributeUpserts: number;
  markers: number;
  timers: number;
}

export interface HistoryCost {
  smartSync: WorkflowCost;
  /** The per-contract queue; in the bench each contract has one queue with one run. */
  contractSyncs: WorkflowCost;
  /** smartSync + contractSyncs, per sync. */
  eventsPerSync: number;
  workflowTasksPerSync: number;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Counts of one history; a pure function so that it is tested on committed histories. */
export function countHistory(events: HistoryEvent[]): Omit<WorkflowCost, 'sampled'> {
  const of = (type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;
  const markers = events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED);
  return {
    events: events.length,
    workflowTasks: of(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    activities: of(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    // The SDK records a local activity's result as a marker named core_local_activity.
    localActivities: markers.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    ).length,
    searchAttributeUpserts: of(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    markers: markers.length,
    timers: of(EventType.EVENT_TYPE_TIMER_STARTED),
  };
}

function average(counts: Array<Omit<WorkflowCost, 'sampled'>>): WorkflowCost {
  const keys = [
    'events',
    'workflowTasks',
    'activities',
    'localActivities',
    'searchAttributeUpserts',
    'markers',
    'timers',
  ] as const;
  const out = { sampled: counts.length } as WorkflowCost;
  for (const k of keys) {
    out[k] = counts.length ? round(counts.reduce((s, c) => s + c[k], 0) / counts.length, 1) : 0;
  }
  return out;
}

/**
 * Reads up to `sample` histories of each workflow type from the service's Temporal. The
 * contract queues are read as they are: in the bench they are still waiting out their idle
 * minute, so their idle timer has started but not fired (two events and a task fewer than
 * a queue that has completed).
 */
export async function measureHistoryCost(options: {
  address: string;
  namespace?: string;
  sample?: number;
}): Promise<HistoryCost> {
  const connection = await Connection.connect({ address: options.address });
  try {
    const client = new Client({ connection, namespace: options.namespace ?? 'default' });
    const sample = options.sample ?? 50;
    const read = async (query: string) => {
      const counts: Array<Omit<WorkflowCost, 'sampled'>> = [];
      for await (const run of client.workflow.list({ query, pageSize: sample })) {
        const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        counts.push(countHistory(history.events ?? []));
        if (counts.length >= sample) break;
      }
      return average(counts);
    };
    const smartSync = await read(`WorkflowType = 'smartSync' AND ExecutionStatus = 'Completed'`);
    const contractSyncs = await read(`WorkflowType = 'contractSyncs'`);
    return {
      smartSync,
      contractSyncs,
      eventsPerSync: round(smartSync.events + contractSyncs.events, 1),
      workflowTasksPerSync: round(smartSync.workflowTasks + contractSyncs.workflowTasks, 1),
    };
  } finally {
    await connection.close();
  }
}
