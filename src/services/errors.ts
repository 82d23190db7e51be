// The one error type services (and routes) throw; src/api/errors.ts maps it to HTTP in one middleware.
/** Carries the HTTP status it maps to, a stable code and the reason: `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, `${what}_not_found`, `${what} ${JSON.stringify(id)} not found`);
