/**
 * Keeps this process's event loop busy, as CPU-bound work on it would: slices of `sliceMs`
 * of computing, with the loop let through once between them (so a server in this process
 * still answers, late). Returns what ends it.
 */
export function loadEventLoop(sliceMs: number): () => void {
  let running = true;
  const slice = () => {
    if (!running) return;
    const until = performance.now() + sliceMs;
    while (performance.now() < until) Math.sqrt(until);
    setImmediate(slice);
  };
  setImmediate(slice);
  return () => {
    running = false;
  };
}
