package io.btfshybrid.core;

/** Told what each source did during verified reads: chunks served, failures and their kind. */
interface VerifiedReadListener {
  VerifiedReadListener NONE =
      new VerifiedReadListener() {
        @Override
        public void served(String sourceId, int bytes, long nanos) {}

        @Override
        public void failed(String sourceId, Throwable cause, boolean integrity) {}
      };

  /** A chunk of {@code bytes} from {@code sourceId} matched its hash, fetched in {@code nanos}. */
  void served(String sourceId, int bytes, long nanos);

  /** {@code sourceId} failed: an error, a short or long body, or (integrity) wrong bytes. */
  void failed(String sourceId, Throwable cause, boolean integrity);

  /**
   * The first byte of a range asked of {@code sourceId} arrived {@code nanos} after the ask (told
   * by the chunk cursor and hedged races, whether or not the chunk then verifies).
   */
  default void firstByte(String sourceId, long nanos) {}

  /**
   * A hedged request to {@code sourceId} lost the race after {@code nanos} (cancelled, or verified
   * second): a lower bound of its time to deliver the chunk, so a source that stalls ranks behind
   * the one that answered even though it never served the chunk.
   */
  default void lostRace(String sourceId, long nanos) {}
}
