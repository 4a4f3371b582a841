package io.btfshybrid.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructType;

/** Takes the columns a query needs and the filters on {@code path} that can skip shards. */
final class ReleaseScanBuilder
    implements ScanBuilder, SupportsPushDownRequiredColumns, SupportsPushDownFilters {
  private final SourceOptions options;
  private StructType required;
  private final List<Filter> pushed = new ArrayList<>();
  private Predicate<String> pathFilter = p -> true;

  ReleaseScanBuilder(SourceOptions options) {
    this.options = options;
    this.required = Schemas.of(options.granularity());
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    this.required = requiredSchema;
  }

  @Override
  public Filter[] pushFilters(Filter[] filters) {
    for (Filter f : filters) {
      Optional<Predicate<String>> p = PathFilters.of(f);
      if (p.isPresent()) {
        pushed.add(f);
        pathFilter = pathFilter.and(p.get());
      }
    }
    // every filter is evaluated again on the rows: the pushed ones only skip shards
    return filters;
  }

  @Override
  public Filter[] pushedFilters() {
    return pushed.toArray(Filter[]::new);
  }

  @Override
  public Scan build() {
    return new ReleaseScan(options, required, pathFilter, pushedFilters());
  }
}
