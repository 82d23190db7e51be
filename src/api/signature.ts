// Webhook deliveries are signed like Stripe's: `Conveyor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
// The timestamp is part of the signed text, so a captured delivery cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../services/errors.js';

export const SIGNATURE_HEADER = 'conveyor-signature';
/** How far a delivery's timestamp may be from our clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A request whose JSON body parser kept the exact bytes it parsed (see `keepRawBody`). */
export type RawBodyRequest = IncomingMessage & { rawBody?: Buffer };

/** `verify` callback of express.json: an HMAC must be computed over the bytes as sent, not a re-serialisation. */
export function keepRawBody(req: IncomingMessage, _res: unknown, buf: Buffer): void {
  (req as RawBodyRequest).rawBody = buf;
}

export function signPayload(secret: string, timestamp: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

const invalid = (message: string) => new ApiError(401, 'invalid_signature', message);

/** Throws a 401 `invalid_signature` unless `header` signs `body` with `secret` within the tolerance. */
export function verifySignature(header: string | undefined, secret: string, body: Buffer, nowMs = Date.now()): void {
  if (!header) throw invalid(`missing ${SIGNATURE_HEADER} header`);
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const [key, value] = eq < 0 ? [part.trim(), ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Several v1 values are allowed, so a sender can sign with an old and a new secret while rotating.
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) throw invalid(`malformed ${SIGNATURE_HEADER} header: expected t=<unix seconds>,v1=<hex sha256 hmac>`);
  if (Math.abs(nowMs / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) throw invalid(`signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s from the server's clock`);
  const expected = Buffer.from(signPayload(secret, timestamp, body), 'hex');
  const matches = signatures.some((sig) => {
    const given = Buffer.from(sig, 'hex');
    // timingSafeEqual throws on different lengths; the regex above makes them equal, checked anyway.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw invalid('signature does not match the body');
}
