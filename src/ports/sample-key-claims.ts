/** A usage sample key and the one stream its sample is recorded in. */
export interface SampleKeyClaim {
  sampleKey: string;
  streamName: string;
}

/**
 * Binds each usage sample key to one stream, for event stores whose event ids are unique only
 * within a stream (EventStoreDB): there a key re-sent with another period or bucket would be a
 * second event in another stream, since its id (derived from the key) is only checked there.
 */
export interface SampleKeyClaims {
  /**
   * Claims the keys for their streams. Answers the claims that hold a key for another stream;
   * when there are any, nothing is claimed (a refused batch leaves no row).
   */
  claim(claims: readonly SampleKeyClaim[]): Promise<SampleKeyClaim[]>;
}
