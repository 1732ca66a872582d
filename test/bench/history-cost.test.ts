import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { countHistory } from '../../bench/history-cost';

const history = (name: string) =>
  historyFromJSON(
    JSON.parse(readFileSync(path.join(__dirname, '..', 'workflows', 'histories', name), 'utf8')),
  ).events ?? [];

describe('countHistory', () => {
  it('counts a clean sync of the 0.3 workflow as the Web UI shows it', () => {
    // clean-sync.v3: fetch, plan, products, company, two contacts, sale, outcome; SALE_ID,
    // the products-before-sale patch's TemporalChangeVersion and OUTCOME upserted.
    expect(countHistory(history('clean-sync.v3.json'))).toEqual({
      events: 51,
      workflowTasks: 7,
      activities: 8,
      localActivities: 0,
      searchAttributeUpserts: 3,
      markers: 1,
      timers: 0,
    });
  });

  it('counts the timers and tasks of a contract queue', () => {
    // contract-queue.v1: two signings, two child runs one after the other, then the idle timer.
    expect(countHistory(history('contract-queue.v1.json'))).toEqual({
      events: 29,
      workflowTasks: 6,
      activities: 0,
      localActivities: 0,
      searchAttributeUpserts: 0,
      markers: 0,
      timers: 1,
    });
  });
});
