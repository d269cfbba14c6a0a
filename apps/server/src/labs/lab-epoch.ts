/**
 * The wall-clock instant of a lab's simulated time 0: its creation, truncated to the second. Kubernetes
 * timestamps have second precision; starting the lab's clock on a whole second makes the creationTimestamp the
 * API serves and the instant the lab shell ages an object from the same, so real kubectl and the shell print
 * the same AGE.
 */
export function labEpochMs(lab: { createdAt: string }): number {
  return Math.floor(Date.parse(lab.createdAt) / 1000) * 1000;
}
