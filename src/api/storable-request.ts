// Text Postgres cannot store (U+0000, lone surrogates) is a client mistake: refuse it in one
// place, before any route, with a 400 naming the field, so nothing is stored and no workflow
// starts. Without this the insert fails deep in a service and looks like an outage.
import type { RequestHandler } from 'express';
import { findUnstorableText } from '../db/storable.js';
import { ApiError } from '../services/errors.js';

const MESSAGE = 'contains text that cannot be stored (U+0000 or a lone UTF-16 surrogate)';

/** The first path segment that is not valid percent-encoded UTF-8 or holds unstorable text. */
function badPathSegment(path: string): { segment: string; reason: string } | undefined {
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Express would throw a 400-status URIError at routing, which our error mapper does not know.
      return { segment, reason: 'is not valid percent-encoded UTF-8' };
    }
    if (findUnstorableText(decoded) !== undefined) return { segment, reason: MESSAGE };
  }
  return undefined;
}

const refuse = (field: string, message: string, code = 'invalid_text') => new ApiError(400, code, `${field}: ${message}`, [{ field, message }]);

/** Checks the path, the query string and the parsed JSON body; mount after the body parser. */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const badSegment = badPathSegment(req.path);
  if (badSegment) throw refuse('path', `segment ${JSON.stringify(badSegment.segment)} ${badSegment.reason}`, badSegment.reason === MESSAGE ? 'invalid_text' : 'invalid_path');
  const inQuery = findUnstorableText(req.query, 'query');
  if (inQuery !== undefined) throw refuse(inQuery, MESSAGE);
  const inBody = findUnstorableText(req.body);
  if (inBody !== undefined) throw refuse(inBody, MESSAGE);
  next();
};
