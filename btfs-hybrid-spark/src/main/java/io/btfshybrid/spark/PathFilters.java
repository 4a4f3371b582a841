package io.btfshybrid.spark;

import java.util.Arrays;
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
 * suffix and substring, and their AND, OR and NOT. Spark still evaluates every filter on the rows,
 * so a filter taken here only saves reads.
 */
final class PathFilters {
  private PathFilters() {}

  /** {@code f} as a predicate over row paths, or empty when it is not only about the path. */
  static Optional<Predicate<String>> of(Filter f) {
    if (f instanceof EqualTo e && isPath(e.attribute()) && e.value() instanceof String v) {
      return Optional.of(v::equals);
    }
    if (f instanceof In in && isPath(in.attribute())) {
      Object[] values = in.values();
      return Optional.of(p -> Arrays.asList(values).contains(p));
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
      return both(a.left(), a.right(), true);
    }
    if (f instanceof Or o) {
      return both(o.left(), o.right(), false);
    }
    if (f instanceof Not n) {
      return of(n.child()).map(Predicate::negate);
    }
    return Optional.empty();
  }

  private static Optional<Predicate<String>> both(Filter left, Filter right, boolean and) {
    Optional<Predicate<String>> l = of(left);
    Optional<Predicate<String>> r = of(right);
    if (l.isEmpty() || r.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(and ? l.get().and(r.get()) : l.get().or(r.get()));
  }

  private static boolean isPath(String attribute) {
    return Schemas.PATH.equalsIgnoreCase(attribute);
  }
}
