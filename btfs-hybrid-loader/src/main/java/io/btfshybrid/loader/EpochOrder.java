package io.btfshybrid.loader;

import java.util.List;

/**
 * One epoch's order over every stream, before padding: position to global sample index (stream
 * offset plus the sample's index in its stream).
 *
 * <p>Stream {@code i} contributes {@code c[i]} samples per epoch: its {@code k}-th is sample {@code
 * v % N[i]} of its pass {@code v / N[i]}, with {@code v = epoch * c[i] + k}, so each pass over a
 * stream is used up before it repeats. With several streams the epoch is cut into {@code nb =
 * ceil(E / 1024)} mixing blocks; block {@code b} holds samples {@code [floor(b c[i] / nb), floor((b
 * + 1) c[i] / nb))} of each stream {@code i}, in stream order, and its slots are permuted with
 * {@link Feistel} keyed by (seed, epoch, b): every block holds each stream's share to within one
 * sample.
 */
final class EpochOrder {
  static final int MIX_BLOCK = 1024;
  private static final long TAG_MIX = 7;

  private final List<SampleSpace> spaces;
  private final long[] perEpoch;
  private final long[] offsets;
  private final OrderSpec spec;
  private final int epoch;
  private final long size;
  private final long mixBlocks;

  EpochOrder(List<SampleSpace> spaces, long[] perEpoch, OrderSpec spec, int epoch) {
    this.spaces = spaces;
    this.perEpoch = perEpoch.clone();
    this.spec = spec;
    this.epoch = epoch;
    this.offsets = new long[spaces.size()];
    long total = 0;
    long global = 0;
    for (int i = 0; i < spaces.size(); i++) {
      offsets[i] = global;
      global += spaces.get(i).size();
      if (perEpoch[i] > 0 && spaces.get(i).size() == 0) {
        throw new IllegalArgumentException("stream " + i + " has no samples to take");
      }
      total = Math.addExact(total, perEpoch[i]);
    }
    this.size = total;
    this.mixBlocks = Math.max(1, (total + MIX_BLOCK - 1) / MIX_BLOCK);
  }

  long size() {
    return size;
  }

  /** The global sample index at position {@code p} of the epoch ({@code 0 <= p < size()}). */
  long at(long p) {
    if (p < 0 || p >= size) {
      throw new IndexOutOfBoundsException("position " + p + " outside 0.." + size);
    }
    if (spaces.size() == 1) {
      return streamSample(0, p);
    }
    long lo = 0;
    long hi = mixBlocks - 1;
    while (lo < hi) {
      long mid = (lo + hi + 1) >>> 1;
      if (blockStart(mid) <= p) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    long b = lo;
    long from = blockStart(b);
    long slot =
        Feistel.permute(
            blockStart(b + 1) - from, Mix64.key(spec.seed(), epoch, TAG_MIX, b), p - from);
    for (int i = 0; i < perEpoch.length; i++) {
      long first = share(i, b);
      long count = share(i, b + 1) - first;
      if (slot < count) {
        return streamSample(i, first + slot);
      }
      slot -= count;
    }
    throw new AssertionError("slot outside block " + b);
  }

  /** floor(b * c[i] / nb) without overflow for b <= nb. */
  private long share(int i, long b) {
    long c = perEpoch[i];
    return b * (c / mixBlocks) + b * (c % mixBlocks) / mixBlocks;
  }

  private long blockStart(long b) {
    long s = 0;
    for (int i = 0; i < perEpoch.length; i++) {
      s += share(i, b);
    }
    return s;
  }

  private long streamSample(int i, long k) {
    SampleSpace space = spaces.get(i);
    long n = space.size();
    long v = (long) epoch * perEpoch[i] + k;
    long pass = v / n;
    StreamOrder order =
        new StreamOrder(
            space,
            spec.algorithm(),
            Mix64.key(spec.seed(), i),
            pass,
            spec.partitions(),
            spec.blockSize());
    return offsets[i] + order.at(v % n);
  }
}
