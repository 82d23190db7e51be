// dagRun's local activities. Bookkeeping writes (run row, step records) have a bounded
// retry and fail the run with a BookkeepingError once it is spent (bookkeeping-options.ts);
// loading the definition keeps its own failure types (UnknownWorkflow, NoActiveVersion, ...).
import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { StartDagRunInput } from '../activities/dag.js';
import type { StepChange } from '../runs/contract.js';
import { BOOKKEEPING_ACTIVITY_OPTIONS, bookkeepingStep, isBookkeepingFailure } from './bookkeeping-options.js';

export const dagLocal = proxyLocalActivities<Activities>(BOOKKEEPING_ACTIVITY_OPTIONS);

export function startDagRunRow(input: StartDagRunInput): Promise<void> {
  return bookkeepingStep('startDagRun', () => dagLocal.startDagRun(input));
}

export function recordSteps(runId: string, steps: StepChange[]): Promise<void> {
  return bookkeepingStep('recordSteps', () => dagLocal.recordSteps({ runId, steps }));
}

type FinishDagRunInput = Parameters<Activities['finishDagRun']>[0];

const FINISH_STEP = 'finishDagRun';

/** A bookkeeping failure of the run row's final write itself (a retry of it would fail the same way). */
export const isFinishFailure = (error: unknown): boolean => isBookkeepingFailure(error) && error.message.startsWith(`bookkeeping failed at ${FINISH_STEP}`);

export function finishDagRun(runId: string, status: FinishDagRunInput['status'], outcome: Pick<FinishDagRunInput, 'error' | 'result'>): Promise<void> {
  return bookkeepingStep(FINISH_STEP, () => dagLocal.finishDagRun({ runId, status, ...outcome }));
}
