package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import com.google.common.io.ByteStreams;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/** A tier in a local or mounted directory: an on-prem mirror, an NFS replica, a test stand-in. */
public final class FileTier implements StorageTier {
  private final String id;
  private final TierKind kind;
  private final Optional<String> region;
  private final Path root;

  private FileTier(Builder b) {
    this.id = ShardPaths.checkName("tier id", b.id);
    this.kind = Objects.requireNonNull(b.kind, "kind");
    this.region = Optional.ofNullable(b.region);
    Preconditions.checkArgument(b.root != null, "FileTier '%s' needs a root directory", b.id);
    this.root = b.root.toAbsolutePath().normalize();
  }

  /** A builder; {@code id} and {@code root} are required, kind defaults to REPLICA. */
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

  /** The directory this tier stores objects under. */
  public Path root() {
    return root;
  }

  @Override
  public InputStream read(Locator where, long offset, long length) throws IOException {
    Preconditions.checkArgument(offset >= 0, "offset must be >= 0, was %s", offset);
    Preconditions.checkArgument(length >= -1, "length must be >= -1, was %s", length);
    Path file = pathOf(where);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(where);
    }
    try {
      channel.position(offset);
      InputStream in = Channels.newInputStream(channel);
      return length < 0 ? in : ByteStreams.limit(in, length);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    Path target = fileFor(key);
    AtomicFiles.copy(bytes, size, target);
    return new Locator(id, target.toUri());
  }

  @Override
  public Optional<ObjectInfo> stat(Locator where) throws IOException {
    Path file = pathOf(where);
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attrs.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(
          new ObjectInfo(where, attrs.size(), Optional.of(attrs.lastModifiedTime().toInstant())));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void delete(Locator where) throws IOException {
    Files.deleteIfExists(pathOf(where));
  }

  @Override
  public Optional<Locator> locate(String key) {
    return Optional.of(new Locator(id, fileFor(key).toUri()));
  }

  private Path fileFor(String key) {
    ShardPaths.problem(key)
        .ifPresent(
            p -> {
              throw new IllegalArgumentException("FileTier '" + id + "' refuses key: " + p);
            });
    return root.resolve(key).normalize();
  }

  /** The file a locator names, refusing anything outside this tier's root. */
  private Path pathOf(Locator where) throws IOException {
    URI uri = where.uri();
    if (!"file".equals(uri.getScheme())) {
      throw new ObjectNotFoundException(where, "FileTier '" + id + "' serves only file: URIs");
    }
    Path file;
    try {
      file = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new ObjectNotFoundException(where, "not a file path: " + e.getMessage());
    }
    if (!file.startsWith(root)) {
      throw new ObjectNotFoundException(
          where, "outside the root " + root + " of tier '" + id + "'");
    }
    return file;
  }

  @Override
  public String toString() {
    return "FileTier[" + id + ", " + kind + ", " + root + "]";
  }

  /** Configures a {@link FileTier}. */
  public static final class Builder {
    private String id;
    private TierKind kind = TierKind.REPLICA;
    private String region;
    private Path root;

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder kind(TierKind kind) {
      this.kind = kind;
      return this;
    }

    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder root(Path root) {
      this.root = root;
      return this;
    }

    public FileTier build() {
      return new FileTier(this);
    }
  }
}
