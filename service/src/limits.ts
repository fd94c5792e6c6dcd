/**
 * Limits of the HTTP contract itself (the household's own limits live in model/src/domain.ts). The validator,
 * the body reader, the OpenAPI document and the docs all read these.
 */
export const HTTP_LIMITS = {
  /** 64 KiB holds a full batch of 100 households (~130 bytes each) with ample room for whitespace. */
  maxBodyBytes: 64 * 1024,
  maxBatchInstances: 100,
} as const;
