package io.btfshybrid.core.samples;

import io.btfshybrid.api.SampleFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Members grouped into samples: adjacent members sharing a key, one field each. */
final class TarSamples {
  private final String path;
  private final IndexBlobWriter out = new IndexBlobWriter(SampleFormat.TAR);
  private final Set<String> seenKeys = new HashSet<>();
  private final List<Member> pending = new ArrayList<>();
  private String currentKey;

  TarSamples(String path) {
    this.path = path;
  }

  void member(String name, long offset, long size, long headerOffset) throws SampleFormatException {
    int slash = name.lastIndexOf('/');
    int dot = name.indexOf('.', slash + 1);
    String key = dot < 0 ? name : name.substring(0, dot);
    String field = dot < 0 ? "" : name.substring(dot + 1);
    if (!key.equals(currentKey)) {
      flush();
      if (!seenKeys.add(key)) {
        throw new SampleFormatException(
            path, headerOffset, "members of key '" + key + "' are not adjacent");
      }
      currentKey = key;
    }
    for (Member m : pending) {
      if (m.field().equals(field)) {
        throw new SampleFormatException(
            path, headerOffset, "key '" + key + "' has two members with field '" + field + "'");
      }
    }
    pending.add(new Member(field, offset, size));
  }

  private void flush() {
    if (currentKey == null) {
      return;
    }
    out.tarSample(currentKey, pending.size());
    for (Member m : pending) {
      out.tarMember(m.field(), m.offset(), m.size());
    }
    pending.clear();
  }

  SampleIndex finish() {
    flush();
    return out.finish();
  }

  private record Member(String field, long offset, long size) {}
}
