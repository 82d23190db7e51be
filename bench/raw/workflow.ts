// The baseline for bench:runs: the smallest useful Temporal workflow, one activity.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities.js';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 minutes' });

export async function rawOneActivity(): Promise<{ ok: boolean }> {
  return noop();
}
