/** what the primary and its workers tell each other over the cluster's channel (WORK-3, WORK-4) */
export type ClusterMessage =
  /** worker: started, listening and warmed up */
  | { type: 'serving' }
  /** worker: past its requests or memory bound; replace me */
  | { type: 'replace-me'; reason: string }
  /** primary: your replacement serves; drain and exit */
  | { type: 'retire' }
  /** primary: the cluster is shutting down; drain as on SIGTERM and exit */
  | { type: 'shutdown' };

const types = new Set<unknown>(['serving', 'replace-me', 'retire', 'shutdown']);

/** the app's own code may use the channel too: only these messages are ours */
export function isClusterMessage(message: unknown): message is ClusterMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    types.has((message as { type?: unknown }).type)
  );
}
