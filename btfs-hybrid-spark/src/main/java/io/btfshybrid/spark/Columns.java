package io.btfshybrid.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * Builds rows of the columns a query asked for, in its order, from a per-column getter; the columns
 * it did not ask for are never computed (so no bytes are read for a missing content).
 */
final class Columns<T> {
  /** One column's value for a source object. */
  interface Getter<T> {
    Object get(T source) throws IOException;
  }

  private final List<Getter<T>> getters = new ArrayList<>();

  Columns(StructType required, Map<String, Getter<T>> all) {
    for (String name : required.fieldNames()) {
      Getter<T> g = all.get(name);
      if (g == null) {
        throw new IllegalArgumentException("no column '" + name + "' in " + all.keySet());
      }
      getters.add(g);
    }
  }

  /** The row of {@code source}. */
  InternalRow row(T source) throws IOException {
    Object[] values = new Object[getters.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = getters.get(i).get(source);
    }
    return new GenericInternalRow(values);
  }
}
