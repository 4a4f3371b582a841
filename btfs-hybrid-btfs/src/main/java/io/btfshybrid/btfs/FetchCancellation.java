package io.btfshybrid.btfs;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets a background fetch be cut from another thread: while a pool thread runs a fetch inside
 * {@link #enter()} and {@link #exit()}, every request {@link BtfsRpc} sends registers its cancel
 * action here, and {@link #cancel()} runs them all (and any registered later) at once. A
 * thread-local carries the scope so that every path a fetch may take (API, gateway fall back, the
 * stat of a short body) is covered without threading a parameter through each of them.
 */
final class FetchCancellation {
  private static final ThreadLocal<FetchCancellation> CURRENT = new ThreadLocal<>();

  private final List<Runnable> actions = new ArrayList<>();
  private boolean cancelled;

  /** Registers {@code action} with the scope the calling thread runs in, if any. */
  static void onCancel(Runnable action) {
    FetchCancellation scope = CURRENT.get();
    if (scope != null) {
      scope.add(action);
    }
  }

  private void add(Runnable action) {
    synchronized (this) {
      if (!cancelled) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }

  /** Makes this the calling thread's scope until {@link #exit()}. */
  void enter() {
    CURRENT.set(this);
  }

  /** Ends the calling thread's membership in its scope. */
  static void exit() {
    CURRENT.remove();
  }

  /** Runs every registered action, now and for whatever registers later. */
  void cancel() {
    List<Runnable> now;
    synchronized (this) {
      cancelled = true;
      now = List.copyOf(actions);
      actions.clear();
    }
    now.forEach(Runnable::run);
  }
}
