// How a failed Temporal call is told apart: the request's fault, or Temporal's.
import { isGrpcServiceError, ServiceError } from '@temporalio/client';

// gRPC status code; @grpc/grpc-js is not a direct dependency.
const GRPC_INVALID_ARGUMENT = 3;

/** Temporal's reason when it refused the request itself as invalid (INVALID_ARGUMENT), else undefined. */
export function invalidArgumentReason(error: unknown): string | undefined {
  const cause = error instanceof ServiceError ? error.cause : error;
  if (isGrpcServiceError(cause) && cause.code === GRPC_INVALID_ARGUMENT) return cause.details || cause.message;
  return undefined;
}
