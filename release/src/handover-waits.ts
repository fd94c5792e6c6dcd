/**
 * How many waits of up to warmTimeoutMs each of handover.ts's moves of live makes, counted from its code, for the
 * worst case a release's credentials must outlast (plan.ts worstCaseDurationMs). A change to what those functions
 * wait on changes these counts with it.
 */

/** handOver: `provision` sizes the new primary's own PC and waits for it, then `settle` waits for live. */
const HANDOVER_WAITS = 2;

/** promote: one handOver, candidate over stable. */
export const PROMOTION_WAITS = HANDOVER_WAITS;

/**
 * putLiveBack with the candidate already live's primary (a roll back in the watch window): `settle` waits out the
 * promotion's own handover first, then one handOver back to stable.
 */
export const ROLLBACK_AFTER_PROMOTION_WAITS = 1 + HANDOVER_WAITS;
