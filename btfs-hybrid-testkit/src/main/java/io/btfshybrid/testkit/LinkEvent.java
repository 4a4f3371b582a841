package io.btfshybrid.testkit;

import java.time.Duration;

/**
 * A scripted event on the server-to-client direction of one connection (or every one): after {@code
 * afterBytes} bytes, pause for {@code stall} or (when {@code stall} is null) reset.
 */
record LinkEvent(int connection, long afterBytes, Duration stall) {
  /** True when this event is a reset. */
  boolean reset() {
    return stall == null;
  }

  /** True when this event applies to the connection numbered {@code number} (from 1). */
  boolean appliesTo(int number) {
    return connection == LinkConditions.EVERY_CONNECTION || connection == number;
  }
}
