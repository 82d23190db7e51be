// Why an outgoing request did not produce a response. The kinds map these to error classes:
// refused/protocol/redirect → permanent (asking again changes nothing), timeout/network →
// transient, cancelled → the attempt is ending anyway.
export type OutboundFailure = 'refused' | 'protocol' | 'redirect' | 'timeout' | 'network' | 'cancelled';

export class OutboundError extends Error {
  override name = 'OutboundError';
  constructor(
    message: string,
    readonly failure: OutboundFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** request-filtering-agent's own refusal ("DNS lookup … is not allowed …"), from its connect-time check. */
const LIBRARY_REFUSAL = /^DNS lookup .* is not allowed/;

/** Turns whatever node:http threw into an OutboundError, naming the URL's origin (never its query). */
export function toOutboundError(error: unknown, origin: string, timedOut: boolean, cancelled: boolean): OutboundError {
  if (error instanceof OutboundError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (timedOut) return new OutboundError(`request to ${origin} timed out`, 'timeout', { cause: error });
  if (cancelled) return new OutboundError(`request to ${origin} cancelled`, 'cancelled', { cause: error });
  if (LIBRARY_REFUSAL.test(message)) return new OutboundError(`${origin}: ${message}`, 'refused', { cause: error });
  const code = (error as { code?: string }).code;
  return new OutboundError(`request to ${origin} failed: ${code ? `${code} ` : ''}${message}`, 'network', { cause: error });
}
