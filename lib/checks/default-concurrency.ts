/**
 * Apple rate-limits each key on its own (3,500 requests an hour), and every customer has its
 * own key, so requests for different customers do not compete: the bound is about our own
 * sockets and CPU. 32 in flight keeps 1,000 customers at 100 ms each near 3 seconds.
 */
export const DEFAULT_CONCURRENCY = 32;
