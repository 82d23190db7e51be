// `conveyor dev` (and `npm start`): Temporal dev server, Postgres, worker and API in one process, with a
// console of run events. Every start-up failure is one line and exit code 1; Ctrl-C says what it stopped.
import path from 'node:path';
import { startApi } from '../../api/server.js';
import { temporalUiUrl } from '../../api/serialize.js';
import { loadConfig, type Config } from '../../config.js';
import { createDb } from '../../db/connect.js';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres.js';
import { ensureTemporalCli } from '../../infra/temporal-cli.js';
import { startDevServer } from '../../infra/temporal-dev-server.js';
import { createLogger, resolveLogFormat, type LogFormat, type Logger } from '../../logger.js';
import { installRuntime } from '../../worker-runtime.js';
import { startWorker } from '../../worker.js';
import { EXIT } from '../errors.js';
import { handleInterruptYourself } from '../signals.js';
import { colorEnabled, createStyle } from '../style.js';
import { startEventConsole } from './event-console.js';
import { checkPorts } from './preflight.js';
import { devSdkLogger } from './sdk-logger.js';

export interface DevOptions {
  logs: boolean;
  logFormat?: string;
}

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

/** An error as one line: its first line, and the last line of any output it carries (a child's stderr). */
export function startupFailureLine(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((l) => l.trim()).filter(Boolean);
  const [first = 'unknown error'] = lines;
  return lines.length > 1 ? `${first} ${lines[lines.length - 1]}` : first;
}

const write = (line: string) => void process.stdout.write(`${line}\n`);

async function startEverything(config: Config, format: LogFormat, options: DevOptions, logger: Logger, started: Stoppable[]): Promise<{ workerDone: Promise<void> }> {
  const human = format === 'human';
  const style = createStyle(human && colorEnabled(process.stdout));
  await checkPorts([
    { port: config.port, what: 'the API', variable: 'PORT' },
    ...(config.temporal.address ? [] : [
      { port: config.devPorts.temporal, what: 'the Temporal dev server', variable: 'TEMPORAL_PORT (or TEMPORAL_ADDRESS to use a running server)' },
      { port: config.temporal.uiPort, what: 'the Temporal Web UI', variable: 'TEMPORAL_UI_PORT' },
    ]),
    ...(config.databaseUrl ? [] : [{ port: config.devPorts.postgres, what: 'embedded Postgres', variable: 'CONVEYOR_POSTGRES_PORT (or DATABASE_URL to use a running Postgres)' }]),
  ], config.host === '0.0.0.0' ? '0.0.0.0' : '127.0.0.1');

  let address = config.temporal.address;
  let uiUrl = config.temporal.uiUrl;
  if (!address) {
    const cliPath = await ensureTemporalCli({ explicitPath: config.temporal.cliPath });
    const server = await startDevServer({ cliPath, dataDir: path.join(config.dataDir, 'temporal'), port: config.devPorts.temporal, uiPort: config.temporal.uiPort, ownProcessGroup: true });
    started.push({ name: 'Temporal dev server', stop: () => server.stop() });
    address = server.address;
    uiUrl = server.uiUrl ?? uiUrl;
  }
  let databaseUrl = config.databaseUrl;
  let postgresData: string | undefined;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres(config.dataDir, config.devPorts.postgres);
    started.push({ name: 'Postgres', stop: () => pg.stop() });
    databaseUrl = pg.url;
    postgresData = pg.dataDir;
  }
  const worker = await startWorker(config, address, databaseUrl, logger);
  started.push({ name: 'worker', stop: () => worker.stop() });

  const db = createDb({ url: databaseUrl, max: 2 });
  started.push({ name: 'run console', stop: () => db.destroy() });
  const link = (runId: string) => temporalUiUrl({ temporalUiUrl: uiUrl, namespace: config.temporal.namespace }, runId);
  const eventConsole = await startEventConsole({
    databaseUrl,
    db,
    style,
    link,
    logs: options.logs,
    // JSON format: run events are structured log records like everything else.
    write: human ? write : (line) => logger.info({ event: line }, 'run event'),
  });
  started.push({ name: 'run console', stop: () => eventConsole.stop() });

  // Sharing the worker's connection lets triggers start eagerly on this worker (no matching round trip).
  const api = await startApi({ ...config, temporal: { ...config.temporal, uiUrl } }, address, databaseUrl, logger, { workerConnection: worker.connection });
  started.push({ name: 'API', stop: () => api.stop() });
  const where = postgresData ? `${postgresData} (port ${config.devPorts.postgres})` : 'DATABASE_URL';
  if (human) {
    write(
      `\n${style.bold('Conveyor is running.')}\n  API:         ${api.url}\n  Temporal UI: ${uiUrl}\n  Temporal:    ${address}\n  Postgres:    ${where}\n` +
        `Try:  npx conveyor trigger hello --input '{"name":"Ada"}' --follow\nPress Ctrl-C to stop.\n`,
    );
  } else {
    logger.info({ api: api.url, temporalUi: uiUrl, temporal: address, postgresData: postgresData ?? null }, 'Conveyor is running');
  }
  // Wrapped: an async function would flatten a returned promise and wait for the worker to stop.
  return { workerDone: worker.done };
}

export async function runDevStack(options: DevOptions): Promise<number> {
  handleInterruptYourself();
  let config: Config;
  let format: LogFormat;
  try {
    config = loadConfig();
    format = resolveLogFormat(options.logFormat);
  } catch (error) {
    process.stderr.write(`conveyor dev: ${startupFailureLine(error)}\n`);
    return EXIT.usage;
  }
  const logger = createLogger(config.logLevel, 'conveyor', format);
  // Before any connection: the SDK's own lines, without a stack trace for a task's own failure.
  if (format === 'human') installRuntime('WARN', config.workerMetricsAddress, devSdkLogger(write));
  const started: Stoppable[] = [];

  return new Promise<number>((resolve) => {
    let stopping = false;
    let firstSignalAt = 0;
    const stopAll = async (code: number, announce: boolean) => {
      if (stopping) return;
      stopping = true;
      const stopped: string[] = [];
      for (const part of [...started].reverse()) {
        await part.stop().then(
          () => stopped.push(part.name),
          (error: unknown) => process.stderr.write(`conveyor dev: stopping the ${part.name} failed: ${startupFailureLine(error)}\n`),
        );
      }
      if (announce) process.stderr.write(`Stopped: ${[...new Set(stopped)].join(', ') || 'nothing was running'}.\n`);
      resolve(code);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        // Another Ctrl-C while stopping leaves at once; but not the copies npm and tsx relay to us with the
        // terminal's own signal (the whole process group gets it), which arrive within a moment of it.
        if (stopping) {
          if (Date.now() - firstSignalAt > 2_000) process.exit(EXIT.interrupted);
          return;
        }
        firstSignalAt = Date.now();
        process.stderr.write(`\nStopping (${signal})…\n`);
        void stopAll(signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok, true);
      });
    }
    startEverything(config, format, options, logger, started).then(
      ({ workerDone }) =>
        workerDone.then(
          () => void stopAll(stopping ? EXIT.ok : EXIT.failed, !stopping),
          (error: unknown) => {
            process.stderr.write(`conveyor dev: the worker stopped: ${startupFailureLine(error)}\n`);
            void stopAll(EXIT.failed, true);
          },
        ),
      (error: unknown) => {
        process.stderr.write(`conveyor dev: could not start: ${startupFailureLine(error)}\n`);
        void stopAll(EXIT.failed, false);
      },
    );
  });
}
