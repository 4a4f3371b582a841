package io.btfshybrid.testkit;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Holds requests of chosen commands at the door until a test lets them through, so a test can see
 * how many requests a client has in flight at once without timing anything: every held request
 * counts as an arrival and waits for a permit ({@link #release(int)}), for its command to be let go
 * ({@link #hold(String, boolean)}), or for the simulator to close.
 */
final class BtfsSimGate {
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private int permits;
  private int arrivals;
  private boolean closed;

  /** Starts or stops holding {@code command}; stopping lets every waiting request of it through. */
  synchronized void hold(String command, boolean on) {
    if (on) {
      held.add(command);
    } else {
      held.remove(command);
    }
    notifyAll();
  }

  /** Whether requests of {@code command} are held. */
  boolean holds(String command) {
    return held.contains(command);
  }

  /** Waits at the door while {@code command} is held and no permit is left. */
  synchronized void pass(String command) {
    arrivals++;
    notifyAll();
    try {
      while (!closed && held.contains(command) && permits == 0) {
        wait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (permits > 0 && held.contains(command)) {
      permits--;
    }
  }

  /** Lets {@code n} held requests through. */
  synchronized void release(int n) {
    permits += n;
    notifyAll();
  }

  /** How many requests have arrived at the door so far. */
  synchronized int arrivals() {
    return arrivals;
  }

  /** Waits until {@code n} requests have arrived in all; false when {@code limit} passed first. */
  synchronized boolean awaitArrivals(int n, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    try {
      for (long left = limit.toNanos(); arrivals < n; left = deadline - System.nanoTime()) {
        if (left <= 0 || closed) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return true;
  }

  /** Stops holding anything, forgets the arrivals and permits. */
  synchronized void reset() {
    held.clear();
    permits = 0;
    arrivals = 0;
    notifyAll();
  }

  /** Lets everything through for good: the simulator is closing. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
