package io.btfshybrid.spark;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A read-only Hadoop file system over releases: {@code btfs-hybrid://<dataset>/<version>/<shard
 * path>} is a shard, read as a verified seekable stream; directories are the prefixes of shard
 * paths. Configured by {@code fs.btfs-hybrid.impl} set to this class and {@code
 * fs.btfs-hybrid.config} (or {@code .configYaml}), {@code .trust}, {@code .cacheDir}, {@code
 * .cacheMaxBytes}, {@code .region} (in Spark: {@code spark.hadoop.fs.btfs-hybrid.…}).
 */
public final class BtfsHybridFileSystem extends FileSystem {
  /** The prefix of this file system's Hadoop configuration keys. */
  public static final String PREFIX = "fs." + ReleasePaths.SCHEME + ".";

  private static final long BLOCK_SIZE = 128L << 20;
  private URI uri;
  private ClientSpec spec;
  private final Map<String, Dataset> releases = new ConcurrentHashMap<>();

  /** Hadoop instantiates file systems by reflection. */
  public BtfsHybridFileSystem() {}

  @Override
  public String getScheme() {
    return ReleasePaths.SCHEME;
  }

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    setConf(conf);
    this.uri = URI.create(ReleasePaths.SCHEME + "://" + name.getAuthority());
    Map<String, String> options = new TreeMap<>();
    for (String key :
        List.of("config", "configYaml", "trust", "cacheDir", "cacheMaxBytes", "region")) {
      String v = conf.get(PREFIX + key);
      if (v != null) {
        options.put(key, v);
      }
    }
    if (!options.containsKey("config") && !options.containsKey("configYaml")) {
      throw new IOException(
          "file system "
              + name
              + " needs "
              + PREFIX
              + "config (a YAML path) or "
              + PREFIX
              + "configYaml (its content) in the Hadoop configuration");
    }
    this.spec = ClientSpec.of(SourceOptions.lower(options));
  }

  @Override
  public URI getUri() {
    return uri;
  }

  /** A path split into version and shard path (either may be empty). */
  private record Where(String version, String shardPath) {}

  private Where where(Path p) {
    Path q = makeQualified(p);
    if (!uri.getAuthority().equals(q.toUri().getAuthority())) {
      throw new IllegalArgumentException("path " + p + " is not in " + uri);
    }
    String rest = q.toUri().getPath().replaceFirst("^/+", "");
    int slash = rest.indexOf('/');
    return slash < 0
        ? new Where(rest, "")
        : new Where(rest.substring(0, slash), rest.substring(slash + 1));
  }

  private Dataset release(String version) throws IOException {
    Dataset ds = releases.get(version);
    if (ds == null) {
      Dataset opened = Clients.get(spec).open(ReleasePaths.release(uri.getAuthority(), version));
      ds = releases.putIfAbsent(version, opened);
      if (ds == null) {
        ds = opened;
      } else {
        opened.close();
      }
    }
    return ds;
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    Where w = where(f);
    Dataset ds = release(w.version());
    ShardEntry shard =
        ds.manifest()
            .shard(w.shardPath())
            .orElseThrow(() -> new FileNotFoundException("no shard " + f + " in the release"));
    return new FSDataInputStream(new ShardInputStream(ds.openChannel(shard.path()), shard.size()));
  }

  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    Where w = where(f);
    if (w.version().isEmpty()) {
      return directory(f, 0);
    }
    Dataset ds = release(w.version());
    long time = ds.manifest().createdAt().toEpochMilli();
    if (w.shardPath().isEmpty()) {
      return directory(f, time);
    }
    var shard = ds.manifest().shard(w.shardPath());
    if (shard.isPresent()) {
      return file(f, shard.get().size(), time);
    }
    String dir = w.shardPath() + "/";
    if (ds.shards().stream().anyMatch(s -> s.path().startsWith(dir))) {
      return directory(f, time);
    }
    throw new FileNotFoundException("no shard or directory " + f + " in the release");
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    FileStatus self = getFileStatus(f);
    if (self.isFile()) {
      return new FileStatus[] {self};
    }
    Where w = where(f);
    if (w.version().isEmpty()) {
      throw new IOException(
          "cannot list the versions of " + uri + "; list " + uri + "/<version> instead");
    }
    Dataset ds = release(w.version());
    long time = ds.manifest().createdAt().toEpochMilli();
    String prefix = w.shardPath().isEmpty() ? "" : w.shardPath() + "/";
    Path base = makeQualified(new Path(uri.toString() + "/" + w.version() + "/" + prefix));
    Map<String, FileStatus> out = new TreeMap<>();
    for (ShardEntry s : ds.shards()) {
      if (s.path().startsWith(prefix)) {
        String rest = s.path().substring(prefix.length());
        int slash = rest.indexOf('/');
        String child = slash < 0 ? rest : rest.substring(0, slash);
        Path p = new Path(base, child);
        out.putIfAbsent(child, slash < 0 ? file(p, s.size(), time) : directory(p, time));
      }
    }
    return new ArrayList<>(out.values()).toArray(FileStatus[]::new);
  }

  private FileStatus file(Path p, long size, long time) {
    return new FileStatus(size, false, 1, BLOCK_SIZE, time, makeQualified(p));
  }

  private FileStatus directory(Path p, long time) {
    return new FileStatus(0, true, 1, BLOCK_SIZE, time, makeQualified(p));
  }

  @Override
  public FSDataOutputStream create(
      Path f,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    throw readOnly("create", f);
  }

  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress)
      throws IOException {
    throw readOnly("append to", f);
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    throw readOnly("rename", src);
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    throw readOnly("delete", f);
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    throw readOnly("create directory", f);
  }

  private static IOException readOnly(String what, Path f) {
    return new IOException(
        "cannot " + what + " " + f + ": btfs-hybrid:// releases are immutable (read-only)");
  }

  @Override
  public void setWorkingDirectory(Path dir) {
    // the working directory is always the root of the dataset
  }

  @Override
  public Path getWorkingDirectory() {
    return new Path(uri.toString() + "/");
  }

  @Override
  public void close() throws IOException {
    releases.values().forEach(Dataset::close);
    releases.clear();
    super.close();
  }
}
