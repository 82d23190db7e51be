// GET /api/openapi.json: generated from the same zod schemas the routes validate with.
import { z } from 'zod';
import type { ApiDeps } from './deps.js';
import { cancelBody, countsQuery, listQuery, logsQuery, logStreamQuery, rescheduleBody } from './routes/runs.js';
import { runEventsQuery } from './routes/run-events.js';
import { sessionBody } from './routes/session.js';
import { scheduleBackfillBody, scheduleCreateBody, schedulePatchBody } from './routes/schedules.js';
import { webhookBody } from './routes/webhooks.js';
import { keyCreateBody } from './routes/keys.js';
import { batchBody, triggerBody, waitQuery } from './schemas.js';

type Schema = z.ZodType;
const json = (schema: Schema) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const ok = (description: string, schema: object = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: Schema) => ({ required: false, content: { 'application/json': { schema: json(schema) } } });

function queryParameters(schema: z.ZodObject) {
  const properties = (json(schema) as { properties?: Record<string, object> }).properties ?? {};
  return Object.entries(properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const clientErrors = { '400': errorResponse('invalid request (details name the field)'), '401': errorResponse('missing or unknown API key'), '404': errorResponse('not found') };

export function openApiDocument(deps: Pick<ApiDeps, 'registry'>): object {
  const tasks = deps.registry.list();
  return {
    openapi: '3.1.0',
    info: { title: 'Conveyor API', version: '0.1.0', description: 'Durable task runs on Temporal.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'conveyor_session' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
        ...Object.fromEntries(tasks.filter((t) => t.input).map((t) => [`TaskInput_${t.slug}`, json(t.input as Schema)])),
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths: {
      '/health': { get: { summary: 'Liveness', security: [], responses: { '200': ok('process is up') } } },
      '/ready': { get: { summary: 'Temporal and Postgres reachable', security: [], responses: { '200': ok('ready'), '503': errorResponse('a dependency is down') } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'text exposition format' } } } },
      '/api/tasks': { get: { summary: 'List tasks with their input JSON Schema and concurrency ({limit, perKey, key, onLimit} or null)', responses: { '200': ok('tasks'), ...clientErrors } } },
      '/api/tasks/{slug}': {
        post: {
          summary: 'Trigger a run (inputs per task: components TaskInput_<slug>)',
          parameters: [pathParam('slug'), ...queryParameters(waitQuery)],
          requestBody: body(triggerBody),
          responses: { '200': ok('existing run (idempotency key) or finished run (?wait)'), '202': ok('run started'), ...clientErrors, '413': errorResponse('body over 1 MB'), '415': errorResponse('not JSON'), '429': errorResponse('too many triggers in flight'), '503': errorResponse('Temporal or Postgres unavailable') },
        },
      },
      '/api/tasks/{slug}/batch': {
        post: { summary: 'Trigger up to 1,000 runs', parameters: [pathParam('slug')], requestBody: body(batchBody), responses: { '202': ok('runs started'), '207': ok('some items could not start'), ...clientErrors, '429': errorResponse('too many triggers in flight') } },
      },
      '/api/session': {
        get: { summary: 'Whether keys are enforced and the request is authenticated', security: [], responses: { '200': ok('{keysEnforced, authenticated}') } },
        post: { summary: 'Log in with an API key: sets the HttpOnly SameSite=Strict conveyor_session cookie (12 h)', security: [], requestBody: body(sessionBody), responses: { '201': ok('{expiresAt}'), '400': clientErrors['400'], '401': errorResponse('unknown or revoked key'), '403': errorResponse('cross-site request (Origin)') } },
        delete: { summary: 'Log out: revokes the session and clears the cookie', security: [], responses: { '204': { description: 'logged out' }, '403': errorResponse('cross-site request (Origin)') } },
      },
      '/api/runs': { get: { summary: 'Runs, newest first (keyset pagination); filters: status, task or workflow, triggeredBy, tag, from/to (created_at), q (run id or prefix)', parameters: queryParameters(listQuery), responses: { '200': ok('a page of runs'), ...clientErrors } } },
      '/api/runs/counts': { get: { summary: 'Runs per status (every status, 0 when none), with the list filters but status', parameters: queryParameters(countsQuery), responses: { '200': ok('{counts: {<status>: n}}'), ...clientErrors } } },
      '/api/runs/events': { get: { summary: 'Run events as Server-Sent Events: `ready`, `run` (a new run or a status/attempt change), `resync` (re-read: events may have been missed), `slots` (without ?id: a concurrency slot of `scope` was freed)', parameters: queryParameters(runEventsQuery), responses: { '200': { description: 'text/event-stream' }, ...clientErrors } } },
      '/api/runs/{id}': { get: { summary: 'One run; a workflow run adds workflow, steps and graph {nodes, edges}', parameters: [pathParam('id')], responses: { '200': ok('the run'), ...clientErrors } } },
      '/api/runs/{id}/logs': { get: { summary: 'Log lines in order', parameters: [pathParam('id'), ...queryParameters(logsQuery)], responses: { '200': ok('lines'), ...clientErrors } } },
      '/api/runs/{id}/logs/stream': { get: { summary: 'Log lines as Server-Sent Events (`log`, id = seq; resumes from Last-Event-ID), `status` (the run, as GET /api/runs/{id}) when it changes, `end`', parameters: [pathParam('id'), ...queryParameters(logStreamQuery)], responses: { '200': { description: 'text/event-stream' }, ...clientErrors } } },
      '/api/runs/{id}/cancel': { post: { summary: 'Cancel a run', parameters: [pathParam('id')], requestBody: body(cancelBody), responses: { '202': ok('cancel requested'), ...clientErrors, '409': errorResponse('run already ended') } } },
      '/api/runs/{id}/rerun': { post: { summary: 'A new run with the same inputs', parameters: [pathParam('id')], responses: { '202': ok('run started'), ...clientErrors } } },
      '/api/runs/{id}/reschedule': { post: { summary: 'Move a delayed, pending run', parameters: [pathParam('id')], requestBody: body(rescheduleBody), responses: { '202': ok('moved'), ...clientErrors, '409': errorResponse('not a delayed, pending run') } } },
      '/api/queues': { get: { summary: 'Limited tasks and workflows (task: workflow:<slug>, kind): limit, perKey, key; running, queued, oldestQueuedMs in total and per key in use', responses: { '200': ok('{queues: [...]}'), '401': clientErrors['401'] } } },
      '/api/workers': { get: { summary: 'Live workers (seen within ~6 s): id, host, pid, taskQueue, tasks, workflowTypes, startedAt, lastSeenAt, inFlight', responses: { '200': ok('{workers: [...]}'), '401': clientErrors['401'] } } },
      '/api/schedules': {
        post: { summary: 'Create a Temporal Schedule that starts runs of a task', requestBody: body(scheduleCreateBody), responses: { '201': ok('the schedule'), ...clientErrors, '409': errorResponse('id taken') } },
        get: { summary: 'Schedules whose action is taskRun', responses: { '200': ok('schedules'), ...clientErrors } },
      },
      '/api/schedules/{id}': {
        get: { summary: 'A schedule with next action times and recent runs', parameters: [pathParam('id')], responses: { '200': ok('the schedule'), ...clientErrors } },
        patch: { summary: 'Change a schedule', parameters: [pathParam('id')], requestBody: body(schedulePatchBody), responses: { '200': ok('the schedule'), ...clientErrors } },
        delete: { summary: 'Delete a schedule', parameters: [pathParam('id')], responses: { '204': { description: 'deleted' }, ...clientErrors } },
      },
      ...Object.fromEntries(['pause', 'unpause', 'trigger'].map((action) => [
        `/api/schedules/{id}/${action}`,
        { post: { summary: `${action} a schedule`, parameters: [pathParam('id')], responses: { '200': ok('done'), '202': ok('run started (trigger)'), ...clientErrors } } },
      ])),
      '/api/schedules/{id}/backfill': { post: { summary: 'Start the runs a past window would have started', parameters: [pathParam('id')], requestBody: body(scheduleBackfillBody), responses: { '202': ok('backfill requested'), ...clientErrors } } },
      '/api/workflows': {
        post: { summary: 'Create a DAG workflow (version 1, draft); 400 names the nodes of every problem', requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: { '201': ok('the definition'), ...clientErrors, '409': errorResponse('slug exists') } },
        get: { summary: 'Workflows with latest and active versions', responses: { '200': ok('workflows'), ...clientErrors } },
      },
      '/api/workflows/{slug}': {
        get: { summary: 'A version (latest unless ?version=)', parameters: [pathParam('slug'), { name: 'version', in: 'query', required: false, schema: { type: 'integer' } }], responses: { '200': ok('the definition'), ...clientErrors } },
        put: { summary: 'A new version', parameters: [pathParam('slug')], requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: { '201': ok('the definition'), ...clientErrors } },
      },
      '/api/workflows/{slug}/execute': { post: { summary: 'Run the active version', parameters: [pathParam('slug'), ...queryParameters(waitQuery)], requestBody: body(triggerBody), responses: { '200': ok('existing run (idempotency key) or finished run with its steps (?wait)'), '202': ok('run started'), ...clientErrors, '409': errorResponse('no active version'), '429': errorResponse('too many triggers in flight') } } },
      '/api/workflows/{slug}/activate': { post: { summary: 'Make a version the one that executes (validated again)', parameters: [pathParam('slug')], requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { version: { type: 'integer' } }, required: ['version'] } } } }, responses: { '200': ok('active'), ...clientErrors } } },
      '/api/keys': {
        get: { summary: 'API keys (prefix, name, last use, revocation), never the keys', responses: { '200': ok('keys'), ...clientErrors } },
        post: { summary: 'Create an API key; the answer is the only one carrying it', requestBody: body(keyCreateBody), responses: { '201': ok('the key'), ...clientErrors } },
      },
      '/api/keys/{id}/revoke': { post: { summary: 'Revoke a key: it stops working on the next request', parameters: [pathParam('id')], responses: { '200': ok('the revoked key'), ...clientErrors } } },
      '/api/webhooks': {
        post: { summary: 'Create a signed webhook for a task (the secret is shown once)', requestBody: body(webhookBody), responses: { '201': ok('{id, url, secret}'), ...clientErrors } },
        get: { summary: 'Webhooks (without secrets)', responses: { '200': ok('webhooks'), ...clientErrors } },
      },
      '/api/webhooks/{id}': { delete: { summary: 'Delete a webhook', parameters: [pathParam('id')], responses: { '204': { description: 'deleted' }, ...clientErrors } } },
      '/hooks/{id}': {
        post: {
          summary: 'Start a run with the JSON body as inputs; header Conveyor-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
          security: [],
          parameters: [pathParam('id'), { name: 'Conveyor-Signature', in: 'header', required: true, schema: { type: 'string' } }],
          requestBody: { content: { 'application/json': { schema: {} } } },
          responses: { '202': ok('run started'), '401': errorResponse('missing, wrong or stale signature'), '404': errorResponse('unknown webhook') },
        },
      },
      '/api/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': ok('OpenAPI 3.1') } } },
    },
  };
}
