// What the outgoing-HTTP kinds (http, webhook, ai) share: the policy from the settings, a
// deadline joined with the attempt's signal, and OutboundError → KindError (seed 003 classes).
import { parseOutboundPolicy, PolicyError, type OutboundPolicy } from '../net/address-policy.js';
import { OutboundError } from '../net/outbound-error.js';
import { KindError, type KindContext } from './types.js';

export function outboundPolicy(env: KindContext['env']): OutboundPolicy {
  try {
    return parseOutboundPolicy(env.CONVEYOR_HTTP_ALLOW);
  } catch (error) {
    if (error instanceof PolicyError) throw new KindError(error.message, 'permanent', { type: 'HttpPolicy' });
    throw error;
  }
}

export interface Deadline {
  signal: AbortSignal;
  timedOut: () => boolean;
  /** Stops the timer once the exchange is over. */
  clear: () => void;
}

/** The attempt's signal, or `timeoutMs` passing, whichever comes first. */
export function deadline(attempt: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = () => controller.abort(attempt.reason);
  if (attempt.aborted) onAbort();
  else attempt.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      attempt.removeEventListener('abort', onAbort);
    },
  };
}

/** A refused address or scheme, or a redirect loop, will not change on retry; a timeout or reset may. */
export function toKindError(error: unknown): unknown {
  if (!(error instanceof OutboundError)) return error;
  const errorClass = error.failure === 'timeout' || error.failure === 'network' || error.failure === 'cancelled' ? 'transient' : 'permanent';
  const type = { refused: 'HttpRefused', protocol: 'HttpUrl', redirect: 'HttpRedirects', timeout: 'HttpTimeout', network: 'HttpNetwork', cancelled: 'HttpCancelled' }[error.failure];
  return new KindError(error.message, errorClass, { type });
}
