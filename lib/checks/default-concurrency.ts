/**
 * Apple rate-limits each key on its own (3,500 requests an hour), and every customer has its
 * own key, so requests for different customers do not compete for a limit: the bound is about
 * our own sockets and CPU. 64 in flight checks 1,000 customers at 100 ms a request in about
 * 3.5 seconds on two cores (npm run bench); beyond that the process is CPU-bound (key imports).
 */
export const DEFAULT_CONCURRENCY = 64;
