/** How long an older sealing key keeps opening blocks after a newer one is made, unless the operator says. */
export const DEFAULT_SEALING_GRACE_DAYS = 30;
