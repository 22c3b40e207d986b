/**
 * A build made once per process and shared by every caller; a build that failed is made again by
 * the next call instead of answering every later request with the same error.
 */
export function buildOnce(make: () => Promise<string>): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    if (!pending) {
      pending = make();
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}
