/** what the primary and its workers tell each other over the cluster's channel (WORK-3, WORK-4) */
export type ClusterMessage =
  /** worker: started, listening and warmed up */
  | { type: 'serving' }
  /** worker: past its requests or memory bound; replace me */
  | { type: 'replace-me'; reason: string }
  /** primary: your replacement serves; drain and exit */
  | { type: 'retire' }
  /** primary: the cluster is shutting down; stop listening, then drain as on SIGTERM and exit */
  | { type: 'shutdown' }
  /** worker, shutting down: I no longer listen, and wait for `drain` to close connections */
  | { type: 'stopped-listening' }
  /** primary: no worker listens any more; close your connections */
  | { type: 'drain' };

const types = new Set<unknown>([
  'serving',
  'replace-me',
  'retire',
  'shutdown',
  'stopped-listening',
  'drain',
]);

/** the app's own code may use the channel too: only these messages are ours */
export function isClusterMessage(message: unknown): message is ClusterMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    types.has((message as { type?: unknown }).type)
  );
}
