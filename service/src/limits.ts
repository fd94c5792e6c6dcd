/**
 * Limits of the HTTP contract itself (the household's own limits live in model/src/domain.ts). The validator,
 * the body reader, the OpenAPI document and the docs all read these.
 */
export const HTTP_LIMITS = {
  /** 64 KiB holds a full batch of 100 households (~130 bytes each) with ample room for whitespace. */
  maxBodyBytes: 64 * 1024,
  maxBatchInstances: 100,
  /**
   * The local server merges concurrent requests into one model run of at most this many households: a run
   * costs about the same for 1 or 64 rows, and a cap keeps one run short so no request waits behind a long one.
   */
  maxHouseholdsPerModelRun: 256,
  /**
   * Local server: a client that stalls or trickles its request holds one socket for at most this long, never
   * the process; an honest request of at most 64 KiB arrives in a fraction of it.
   */
  requestTimeoutMs: 10_000,
} as const;
