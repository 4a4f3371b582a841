package io.btfshybrid.loader;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.function.Supplier;

/**
 * Orders read one after the other (an epoch's rest, then the next epoch), each made when reached.
 */
final class ChainedOrder implements PrimitiveIterator.OfLong {
  private final Deque<Supplier<PrimitiveIterator.OfLong>> pending = new ArrayDeque<>();
  private PrimitiveIterator.OfLong current;

  void append(Supplier<PrimitiveIterator.OfLong> order) {
    pending.add(order);
  }

  @Override
  public boolean hasNext() {
    while ((current == null || !current.hasNext()) && !pending.isEmpty()) {
      current = pending.poll().get();
    }
    return current != null && current.hasNext();
  }

  @Override
  public long nextLong() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more samples planned");
    }
    return current.nextLong();
  }
}
