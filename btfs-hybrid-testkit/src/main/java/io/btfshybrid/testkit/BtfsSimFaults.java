package io.btfshybrid.testkit;

import io.btfshybrid.btfs.Cid;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The simulator's fault switches (its {@code SocketPolicy}): what the node does wrong, read by the
 * command handlers on every request, and the waits faults use, which end early when the simulator
 * closes.
 */
final class BtfsSimFaults {
  private final CountDownLatch closed = new CountDownLatch(1);

  volatile boolean contentUnavailable;
  volatile boolean corruptBlocks;
  final Set<Cid> corruptOnly = ConcurrentHashMap.newKeySet();
  volatile long corruptCatAt = -1;
  volatile boolean failAllRequests;
  volatile long streamErrorAfter = -1;
  volatile long truncateBodiesAfter = -1;
  volatile Duration slowBodies = Duration.ZERO;
  volatile boolean lyingAdd;
  volatile boolean simpleMode;
  volatile int storageHosts = 10;

  /** Switches every fault off. */
  void reset() {
    contentUnavailable = false;
    corruptBlocks = false;
    corruptOnly.clear();
    corruptCatAt = -1;
    failAllRequests = false;
    streamErrorAfter = -1;
    truncateBodiesAfter = -1;
    slowBodies = Duration.ZERO;
    lyingAdd = false;
    simpleMode = false;
    storageHosts = 10;
  }

  /** Waits up to {@code limit}; true when the simulator closed meanwhile. */
  boolean awaitClose(Duration limit) {
    try {
      return closed.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /** Pauses for {@code d} (null: not at all), or until the simulator closes. */
  void pause(Duration d) {
    if (d != null) {
      awaitClose(d);
    }
  }

  /** Ends every wait: the simulator is closing. */
  void release() {
    closed.countDown();
  }
}
