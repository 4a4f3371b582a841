package io.btfshybrid.loader;

import java.util.Objects;

/** One release to read, by manifest URI, and how many of its samples an epoch takes. */
public record StreamSpec(String manifestUri, Weight weight) {
  public StreamSpec {
    Objects.requireNonNull(manifestUri, "manifestUri");
    Objects.requireNonNull(weight, "weight");
  }

  /** Every sample once per epoch. */
  public static StreamSpec of(String uri) {
    return new StreamSpec(uri, new Weight(Weight.Kind.ALL, 1));
  }

  /** A fraction {@code p} of the epoch size (the builder's {@code epochSize}). */
  public static StreamSpec proportion(String uri, double p) {
    return new StreamSpec(uri, new Weight(Weight.Kind.PROPORTION, p));
  }

  /** {@code times} its sample count per epoch (0.5: half of it, 2: twice). */
  public static StreamSpec repeat(String uri, double times) {
    return new StreamSpec(uri, new Weight(Weight.Kind.REPEAT, times));
  }

  /** Exactly {@code samples} of its samples per epoch. */
  public static StreamSpec choose(String uri, long samples) {
    return new StreamSpec(uri, new Weight(Weight.Kind.CHOOSE, samples));
  }

  /** How much of a stream an epoch takes. */
  public record Weight(Kind kind, double value) {
    public Weight {
      Objects.requireNonNull(kind, "kind");
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(
            "stream weight " + value + " is not a finite value >= 0");
      }
    }

    /** What the value means. */
    public enum Kind {
      /** Every sample once. */
      ALL,
      /** A fraction of the epoch size. */
      PROPORTION,
      /** A multiple of the stream's own size. */
      REPEAT,
      /** A fixed number of samples. */
      CHOOSE
    }

    /** Samples per epoch from a stream of {@code size} samples, epoch base {@code epochBase}. */
    long samplesPerEpoch(long size, long epochBase) {
      return switch (kind) {
        case ALL -> size;
        case PROPORTION -> Math.round(value * epochBase);
        case REPEAT -> Math.round(value * size);
        case CHOOSE -> (long) value;
      };
    }
  }
}
