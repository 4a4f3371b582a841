package io.btfshybrid.spark;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.apache.spark.sql.sources.StringContains;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;

/**
 * Filters on the {@code path} column that can skip shards before any is read: equality, IN, prefix,
 * suffix and substring, and their AND (either side), OR and NOT. Spark still evaluates every filter
 * on the rows, so a filter taken here only saves reads.
 */
final class PathFilters {
  private PathFilters() {}

  /**
   * A predicate over row paths that every row passing {@code f} passes, or empty when {@code f}
   * says nothing about the path alone. Only an AND may be split: a row passes both of its sides.
   */
  static Optional<Predicate<String>> of(Filter f) {
    Optional<Predicate<String>> exact = exact(f);
    if (exact.isPresent() || !(f instanceof And a)) {
      return exact;
    }
    Optional<Predicate<String>> l = of(a.left());
    Optional<Predicate<String>> r = of(a.right());
    if (l.isPresent() && r.isPresent()) {
      return Optional.of(l.get().and(r.get()));
    }
    return l.isPresent() ? l : r;
  }

  /** {@code f} exactly, when it is about the path alone. */
  private static Optional<Predicate<String>> exact(Filter f) {
    if (f instanceof EqualTo e && isPath(e.attribute()) && e.value() instanceof String v) {
      return Optional.of(v::equals);
    }
    if (f instanceof In in && isPath(in.attribute())) {
      List<Object> values = Arrays.asList(in.values());
      return Optional.of(values::contains);
    }
    if (f instanceof StringStartsWith s && isPath(s.attribute())) {
      return Optional.of(p -> p.startsWith(s.value()));
    }
    if (f instanceof StringEndsWith s && isPath(s.attribute())) {
      return Optional.of(p -> p.endsWith(s.value()));
    }
    if (f instanceof StringContains s && isPath(s.attribute())) {
      return Optional.of(p -> p.contains(s.value()));
    }
    if (f instanceof And a) {
      return both(exact(a.left()), exact(a.right()), true);
    }
    if (f instanceof Or o) {
      return both(exact(o.left()), exact(o.right()), false);
    }
    if (f instanceof Not n) {
      return exact(n.child()).map(Predicate::negate);
    }
    return Optional.empty();
  }

  private static Optional<Predicate<String>> both(
      Optional<Predicate<String>> l, Optional<Predicate<String>> r, boolean and) {
    if (l.isEmpty() || r.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(and ? l.get().and(r.get()) : l.get().or(r.get()));
  }

  private static boolean isPath(String attribute) {
    return Schemas.PATH.equalsIgnoreCase(attribute);
  }
}
