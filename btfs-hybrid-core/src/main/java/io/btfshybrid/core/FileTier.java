package io.btfshybrid.core;

import com.google.common.base.Joiner;
import com.google.common.base.Preconditions;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierChecks;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A tier in a local or mounted directory: an on-prem mirror, an NFS replica, a test stand-in. */
public final class FileTier implements StorageTier {
  private final String id;
  private final TierKind kind;
  private final Optional<String> region;
  private final Path root;

  private FileTier(Builder b) {
    this.id = TierChecks.tierId(b.id);
    this.kind = TierChecks.kind(b.id, b.kind);
    this.region = Optional.ofNullable(TierChecks.region(b.id, b.region));
    Preconditions.checkArgument(b.root != null, "FileTier '%s' needs a root directory", b.id);
    this.root = b.root.toAbsolutePath().normalize();
  }

  /** A builder; {@code id} and {@code root} are required, kind defaults to REPLICA. */
  public static Builder builder() {
    return new Builder();
  }

  /** The tier's id, unique within a client. */
  @Override
  public String id() {
    return id;
  }

  /** The tier's kind (default REPLICA). */
  @Override
  public TierKind kind() {
    return kind;
  }

  /** The tier's region, when configured. */
  @Override
  public Optional<String> region() {
    return region;
  }

  /** The directory this tier stores objects under. */
  public Path root() {
    return root;
  }

  /** Opens a range of the file at {@code where}; a range past the end reads to the end. */
  @Override
  public InputStream read(Locator where, long offset, long length) throws IOException {
    TierChecks.range(offset, length);
    FileChannel channel = channel(where);
    try {
      long size = channel.size();
      long end = TierChecks.end(offset, length, size);
      return new FileRangeStream(channel, Math.min(offset, end), end);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The file at {@code where}, open for reading (by position: verified reads in parallel). */
  FileChannel channel(Locator where) throws IOException {
    Path file = pathOf(where);
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(where);
    }
  }

  /** Replaces the file under {@code key} atomically and durably (temp file, fsync, rename). */
  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    Path target = fileFor(key);
    AtomicFiles.copy(bytes, size, target);
    return new Locator(id, target.toUri());
  }

  /**
   * Creates the object only when {@code key} is free: the bytes are written to a synced temp
   * sibling and hard-linked into place, so of two concurrent writers exactly one wins and the other
   * gets {@link ObjectExistsException}.
   */
  @Override
  public Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    Path target = fileFor(key);
    Locator where = new Locator(id, target.toUri());
    try {
      AtomicFiles.createNew(bytes, size, target, false);
    } catch (FileAlreadyExistsException e) {
      throw new ObjectExistsException(where);
    }
    return where;
  }

  /** Size and modification time of a regular file, or empty when there is none. */
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

  /** Deletes the file at {@code where}; a missing file is a no-op. */
  @Override
  public void delete(Locator where) throws IOException {
    Files.deleteIfExists(pathOf(where));
  }

  /** The file URI a write under {@code key} lands at. */
  /**
   * Every regular file under the root whose key (its path relative to the root, {@code /}
   * separated) starts with {@code prefix}, in key order; hidden files (the temp files of writes in
   * progress) and symbolic links are skipped.
   */
  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    Preconditions.checkArgument(prefix != null, "FileTier '%s': list prefix must not be null", id);
    int slash = prefix.lastIndexOf('/');
    Path start = root.resolve(slash < 0 ? "" : prefix.substring(0, slash)).normalize();
    Preconditions.checkArgument(
        start.startsWith(root) && !prefix.startsWith("/"),
        "FileTier '%s': list prefix '%s' leaves the root",
        id,
        prefix);
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<ObjectInfo> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(start)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String key = Joiner.on('/').join(root.relativize(file));
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException deletedMeanwhile) {
          continue;
        }
        if (attrs.isRegularFile()
            && key.startsWith(prefix)
            && !file.getFileName().toString().startsWith(".")) {
          found.add(
              new ObjectInfo(
                  new Locator(id, file.toUri()),
                  attrs.size(),
                  Optional.of(attrs.lastModifiedTime().toInstant())));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    found.sort(Comparator.comparing(o -> o.locator().uri().getPath()));
    return found;
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
    URI uri = TierChecks.own(id, where).uri();
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

  /** Id, kind and root, for logs. */
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

    /** The region, such as {@code eu-west-1} (optional). */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** The directory objects are stored under (required). */
    public Builder root(Path root) {
      this.root = root;
      return this;
    }

    /** Builds the tier, checking id, kind, region and root. */
    public FileTier build() {
      return new FileTier(this);
    }
  }
}
