package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierChecks;
import io.btfshybrid.api.TierKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A thread-safe tier holding its objects in memory, addressed by key as {@code mem://<id>/<key>}.
 */
public final class InMemoryTier implements StorageTier {
  /** The URI scheme of this tier's locators. */
  public static final String SCHEME = "mem";

  private final String id;
  private final TierKind kind;
  private final Optional<String> region;
  private final ConcurrentMap<String, byte[]> objects = new ConcurrentHashMap<>();

  private InMemoryTier(String id, TierKind kind, String region) {
    this.id = TierChecks.tierId(id);
    this.kind = TierChecks.kind(id, kind);
    this.region = Optional.ofNullable(TierChecks.region(id, region));
  }

  /** An empty tier with no region. */
  public static InMemoryTier of(String id, TierKind kind) {
    return new InMemoryTier(id, kind, null);
  }

  /** A builder; {@code id} is required, kind defaults to REPLICA. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public TierKind kind() {
    return kind;
  }

  @Override
  public Optional<String> region() {
    return region;
  }

  @Override
  public InputStream read(Locator where, long offset, long length) throws IOException {
    TierChecks.range(offset, length);
    byte[] bytes = objects.get(keyOf(where));
    if (bytes == null) {
      throw new ObjectNotFoundException(where);
    }
    int from = (int) Math.min(offset, bytes.length);
    int to = (int) Math.min(TierChecks.end(offset, length, bytes.length), bytes.length);
    return new ByteArrayInputStream(bytes, from, Math.max(0, to - from));
  }

  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    Locator where = locator(key);
    objects.put(key, content(key, bytes, size));
    return where;
  }

  /**
   * Stores the bytes only when {@code key} holds nothing yet, atomically: of two concurrent writers
   * exactly one wins, the other gets {@link ObjectExistsException}.
   */
  @Override
  public Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    Locator where = locator(key);
    if (objects.containsKey(key)) {
      throw new ObjectExistsException(where);
    }
    if (objects.putIfAbsent(key, content(key, bytes, size)) != null) {
      throw new ObjectExistsException(where);
    }
    return where;
  }

  /** Exactly {@code size} bytes of {@code bytes} ({@code -1}: all of them). */
  private byte[] content(String key, InputStream bytes, long size) throws IOException {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException(
          "InMemoryTier '" + id + "' cannot hold " + size + " bytes under '" + key + "'");
    }
    byte[] content = size < 0 ? bytes.readAllBytes() : bytes.readNBytes((int) size);
    if (size >= 0 && content.length != size) {
      throw new IOException(
          "expected "
              + size
              + " bytes for '"
              + key
              + "' but the stream ended after "
              + content.length);
    }
    return content;
  }

  @Override
  public Optional<ObjectInfo> stat(Locator where) throws IOException {
    byte[] bytes = objects.get(keyOf(where));
    return bytes == null ? Optional.empty() : Optional.of(new ObjectInfo(where, bytes.length));
  }

  @Override
  public void delete(Locator where) throws IOException {
    objects.remove(keyOf(where));
  }

  @Override
  public Optional<Locator> locate(String key) {
    return Optional.of(locator(key));
  }

  /** Every object whose key starts with {@code prefix}, in key order. */
  @Override
  public List<ObjectInfo> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    List<ObjectInfo> found = new ArrayList<>();
    for (String key : keys()) {
      byte[] bytes = objects.get(key);
      if (key.startsWith(prefix) && bytes != null) {
        found.add(new ObjectInfo(locator(key), bytes.length));
      }
    }
    return found;
  }

  /** Stores {@code bytes} (copied) under {@code key}, replacing any object there. */
  public Locator put(String key, byte[] bytes) {
    Locator where = locator(key);
    objects.put(key, bytes.clone());
    return where;
  }

  /** A copy of the object under {@code key}; fails naming the key when there is none. */
  public byte[] bytes(String key) {
    byte[] bytes = objects.get(key);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "InMemoryTier '" + id + "' holds no object '" + key + "'; it holds " + keys());
    }
    return bytes.clone();
  }

  /** The keys of every object held, sorted. */
  public SortedSet<String> keys() {
    return new TreeSet<>(objects.keySet());
  }

  /** Whether an object is held under {@code key}. */
  public boolean contains(String key) {
    return objects.containsKey(key);
  }

  /** Removes every object. */
  public void clear() {
    objects.clear();
  }

  private Locator locator(String key) {
    checkKey(key);
    try {
      return new Locator(id, new URI(SCHEME, id, "/" + key, null, null));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "key '" + key + "' cannot be put in a URI: " + e.getMessage(), e);
    }
  }

  private static void checkKey(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("//")) {
      throw new IllegalArgumentException(
          "object key '" + key + "' must be a non-empty relative path");
    }
  }

  /** The key a locator names, or ObjectNotFoundException when it is not one of this tier's. */
  private String keyOf(Locator where) throws ObjectNotFoundException {
    URI uri = TierChecks.own(id, where).uri();
    if (!SCHEME.equals(uri.getScheme())
        || !id.equals(uri.getAuthority())
        || uri.getPath() == null
        || uri.getPath().length() < 2) {
      throw new ObjectNotFoundException(
          where, "InMemoryTier '" + id + "' serves only mem://" + id + "/<key>");
    }
    return uri.getPath().substring(1);
  }

  @Override
  public String toString() {
    return "InMemoryTier[" + id + ", " + kind + ", " + objects.size() + " objects]";
  }

  /** Configures an {@link InMemoryTier}. */
  public static final class Builder {
    private String id;
    private TierKind kind = TierKind.REPLICA;
    private String region;

    private Builder() {}

    /** The tier id (required). */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** The tier kind (default REPLICA). */
    public Builder kind(TierKind kind) {
      this.kind = kind;
      return this;
    }

    /** The tier region (default: none). */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** An empty tier with this configuration. */
    public InMemoryTier build() {
      return new InMemoryTier(id, kind, region);
    }
  }
}
