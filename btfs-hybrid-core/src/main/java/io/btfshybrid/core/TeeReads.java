package io.btfshybrid.core;

/** Tells two listeners of verified reads everything, the first one first. */
final class TeeReads implements VerifiedReadListener {
  private final VerifiedReadListener first;
  private final VerifiedReadListener second;

  private TeeReads(VerifiedReadListener first, VerifiedReadListener second) {
    this.first = first;
    this.second = second;
  }

  /** Both listeners; {@code first} alone when {@code second} counts nothing. */
  static VerifiedReadListener of(VerifiedReadListener first, VerifiedReadListener second) {
    return second == NONE || second == Meters.NONE ? first : new TeeReads(first, second);
  }

  @Override
  public void served(String sourceId, int bytes, long nanos) {
    first.served(sourceId, bytes, nanos);
    second.served(sourceId, bytes, nanos);
  }

  @Override
  public void failed(String sourceId, Throwable cause, boolean integrity) {
    first.failed(sourceId, cause, integrity);
    second.failed(sourceId, cause, integrity);
  }

  @Override
  public void firstByte(String sourceId, long nanos) {
    first.firstByte(sourceId, nanos);
    second.firstByte(sourceId, nanos);
  }

  @Override
  public void lostRace(String sourceId, long nanos) {
    first.lostRace(sourceId, nanos);
    second.lostRace(sourceId, nanos);
  }
}
