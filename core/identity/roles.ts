/** What staff may do besides using the services: run them, or check Digital IDs at a checkout. */
export const STAFF_ROLES = ['admin', 'verifier'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaffRole = (value: string): value is StaffRole =>
  (STAFF_ROLES as readonly string[]).includes(value);
