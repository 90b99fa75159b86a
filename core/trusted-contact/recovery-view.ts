import type { RecoveryRequest } from './trusted-contact-store';

/** The request as the portal sees it (PRODUCT.md §5): the same JSON as GET returns. */
export function recoveryView(request: RecoveryRequest) {
  return {
    id: request.id,
    status: request.status,
    expiresAt: request.expiresAt.toISOString(),
    ...(request.decidedAt ? { decidedAt: request.decidedAt.toISOString() } : {}),
  };
}
