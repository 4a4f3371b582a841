package io.btfshybrid.loader;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sample whose bytes are in memory: one verified range of its shard (from its first member to the
 * end of its last) and where each member lies in it.
 */
final class LoadedSample implements Sample {
  private final SampleRef ref;
  private final String shardPath;
  private final String key;
  private final ByteBuffer span;
  private final List<Member> members;
  private final long length;

  /** A member: its field, where it starts in the span, its length. */
  record Member(String field, int offset, int length) {}

  LoadedSample(SampleRef ref, String shardPath, String key, ByteBuffer span, List<Member> members) {
    this.ref = ref;
    this.shardPath = shardPath;
    this.key = key;
    this.span = span.asReadOnlyBuffer();
    this.members = List.copyOf(members);
    long total = 0;
    for (Member m : this.members) { // a loop, not a stream: this runs once per sample
      total += m.length();
    }
    this.length = total;
  }

  @Override
  public SampleRef ref() {
    return ref;
  }

  @Override
  public String shardPath() {
    return shardPath;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public ByteBuffer bytes() {
    if (members.size() == 1) {
      return slice(members.get(0));
    }
    ByteBuffer all = ByteBuffer.allocate((int) length);
    for (Member m : members) {
      all.put(slice(m));
    }
    return all.flip().asReadOnlyBuffer();
  }

  @Override
  public InputStream openStream() {
    ByteBuffer b = bytes();
    byte[] copy = new byte[b.remaining()];
    b.get(copy);
    return new java.io.ByteArrayInputStream(copy);
  }

  @Override
  public Map<String, ByteBuffer> fields() {
    Map<String, ByteBuffer> out = new LinkedHashMap<>();
    for (Member m : members) {
      out.put(m.field(), slice(m));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private ByteBuffer slice(Member m) {
    return span.slice(m.offset(), m.length()).asReadOnlyBuffer();
  }

  @Override
  public String toString() {
    return "Sample[" + shardPath + "#" + key + ", " + length + " bytes, " + ref + "]";
  }
}
