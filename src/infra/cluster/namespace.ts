// Makes a Temporal namespace ready for Conveyor on any server (the full server, a cluster):
// registered if missing, with Conveyor's search attributes. Idempotent; retries while the
// server is still starting. The dev server does the same with its `--search-attribute` flags.
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { CONVEYOR_SEARCH_ATTRIBUTES } from '../../runs/contract.js';

/** temporal.api.enums.v1.IndexedValueType for the types Conveyor's attributes use. */
const INDEXED_VALUE_TYPE = { KEYWORD: 2 } as const;
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

export interface PrepareNamespaceOptions {
  address: string;
  namespace: string;
  /** How long closed workflows are kept (registering only; an existing namespace keeps its own). */
  retentionDays?: number;
  /** Give up after this long (a server starting up answers Unavailable for a while). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

const codeOf = (error: unknown) => (error as { code?: number }).code;

export async function prepareNamespace({ address, namespace, retentionDays = 3, timeoutMs = 120_000, log = () => undefined }: PrepareNamespaceOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      try {
        await registerIfMissing(connection, namespace, retentionDays, log);
        await addMissingSearchAttributes(connection, namespace, log);
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal namespace ${namespace} at ${address} could not be prepared: ${String(error)}`, { cause: error });
      if (attempt % 10 === 1) log(`waiting for Temporal at ${address} (${String(error).split('\n')[0]})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function registerIfMissing(connection: Connection, namespace: string, retentionDays: number, log: (line: string) => void): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return;
  } catch (error) {
    if (codeOf(error) !== GRPC_NOT_FOUND) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionDays * 86_400_000) });
    log(`registered Temporal namespace ${namespace}`);
  } catch (error) {
    if (codeOf(error) !== GRPC_ALREADY_EXISTS) throw error;
  }
  // The frontend learns of a new namespace at its next cache refresh: until then the next step fails and is retried.
  await connection.workflowService.describeNamespace({ namespace });
}

async function addMissingSearchAttributes(connection: Connection, namespace: string, log: (line: string) => void): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = CONVEYOR_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
  });
  log(`registered search attributes ${missing.map((key) => key.name).join(', ')} on ${namespace}`);
}
