import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { ApiError } from '../services/errors.js';

// body-parser errors carry a `type`; map the ones a client causes.
const BODY_ERRORS: Record<string, [number, string]> = {
  'entity.parse.failed': [400, 'malformed_json'],
  'entity.too.large': [413, 'body_too_large'],
  'encoding.unsupported': [415, 'unsupported_encoding'],
  'charset.unsupported': [415, 'unsupported_charset'],
  'request.aborted': [400, 'request_aborted'],
};

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let status = 500;
    let body: { code: string; message: string; details?: unknown };
    if (error instanceof ApiError) {
      status = error.status;
      body = { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
    } else if (typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string' && BODY_ERRORS[(error as { type: string }).type]) {
      const [code, name] = BODY_ERRORS[(error as { type: string }).type];
      status = code;
      body = { code: name, message: (error as Error).message };
    } else {
      const requestId = String(res.getHeader('x-request-id') ?? '');
      logger.error({ err: error, requestId, method: req.method, path: req.path }, 'unhandled error');
      body = { code: 'internal', message: 'internal error', details: { requestId } };
    }
    if (status === 429 || status === 503) res.setHeader('Retry-After', '1');
    res.status(status).json({ error: body });
  };
}

export const unknownRoute: RequestHandler = (req) => {
  throw new ApiError(404, 'route_not_found', `no route for ${req.method} ${req.path}`);
};
