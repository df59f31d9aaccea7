// Who acts when no person does: the job executor firing a timer is recorded in the audit trail under this id.

/** The built-in system actor's id in audit events (never a user row, never a token). */
export const SYSTEM_USER_ID = 'system';
