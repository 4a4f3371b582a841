package io.btfshybrid.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real IPFS node (js-ipfs, npm {@code ipfs@0.66.1}) on loopback for tests and benchmarks: its
 * directory holds {@code package.json}, {@code package-lock.json} and {@code start-node.sh} (this
 * repository's {@code btfs-hybrid-testkit/src/test/ipfs}); {@link #start} installs it with {@code
 * npm ci} when {@code node_modules} is missing, starts it on free ports with a private repository
 * and returns once its API answers. It speaks {@code /api/v0} only: build a {@code BtfsTier} on it
 * with {@code apiPrefix("/api/v0")}.
 *
 * <pre>{@code
 * try (IpfsNode node = IpfsNode.start(IpfsNode.findDirectory());
 *     BtfsTier ipfs = BtfsTier.builder().id("ipfs").apiUrl(node.apiUrl())
 *         .apiPrefix("/api/v0").build()) {
 *   …
 * }
 * }</pre>
 */
public final class IpfsNode implements AutoCloseable {
  private static final Duration INSTALL_LIMIT = Duration.ofMinutes(10);
  private static final Duration START_LIMIT = Duration.ofSeconds(90);
  private static final String JSIPFS = "node_modules/.bin/jsipfs";

  private final Process process;
  private final Path repoParent;
  private final URI apiUrl;
  private final URI gatewayUrl;

  private IpfsNode(Process process, Path repoParent, URI apiUrl, URI gatewayUrl) {
    this.process = process;
    this.repoParent = repoParent;
    this.apiUrl = apiUrl;
    this.gatewayUrl = gatewayUrl;
  }

  /** The node's RPC API base URL ({@code /api/v0} below it), on 127.0.0.1. */
  public URI apiUrl() {
    return apiUrl;
  }

  /** The node's gateway base URL ({@code /ipfs/<cid>} below it), on 127.0.0.1. */
  public URI gatewayUrl() {
    return gatewayUrl;
  }

  /**
   * The node directory of this repository, {@code src/test/ipfs} of the testkit, whether the
   * working directory is the testkit module or the repository root.
   *
   * @throws IllegalStateException naming the places looked in when none holds a package.json
   */
  public static Path findDirectory() {
    List<Path> candidates = new ArrayList<>();
    String basedir = System.getProperty("basedir");
    if (basedir != null) {
      candidates.add(Path.of(basedir, "src", "test", "ipfs"));
      candidates.add(Path.of(basedir).resolveSibling("btfs-hybrid-testkit/src/test/ipfs"));
    }
    candidates.add(Path.of("src", "test", "ipfs"));
    candidates.add(Path.of("btfs-hybrid-testkit", "src", "test", "ipfs"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p.resolve("package.json"))) {
        return p.toAbsolutePath();
      }
    }
    throw new IllegalStateException("no js-ipfs node directory (package.json) in " + candidates);
  }

  /**
   * Installs (if needed) and starts the node in {@code nodeDir}; fails loudly, never skips.
   *
   * @throws IOException naming the step that failed, with npm's or the daemon's output
   */
  public static IpfsNode start(Path nodeDir) throws IOException {
    Path dir = nodeDir.toAbsolutePath();
    install(dir);
    int[] ports = freePorts(4);
    Path parent = Files.createTempDirectory("btfs-hybrid-ipfs-");
    Path log = parent.resolve("daemon.log");
    List<String> command = new ArrayList<>(List.of("sh", dir.resolve("start-node.sh").toString()));
    command.add(parent.resolve("repo").toString());
    for (int port : ports) {
      command.add(Integer.toString(port));
    }
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    IpfsNode node =
        new IpfsNode(
            p,
            parent,
            URI.create("http://127.0.0.1:" + ports[1]),
            URI.create("http://127.0.0.1:" + ports[2]));
    try {
      node.awaitReady(log);
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void awaitReady(Path log) throws IOException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "the js-ipfs daemon exited with "
                + process.exitValue()
                + ":\n"
                + Files.readString(log));
      }
      if (Files.readString(log).contains("Daemon is ready") && answers()) {
        return;
      }
      try {
        Thread.sleep(200); // polling a child process's start-up, not ordering events in a test
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for js-ipfs to start", e);
      }
    }
    throw new IOException(
        "the js-ipfs daemon was not ready within " + START_LIMIT + ":\n" + Files.readString(log));
  }

  private boolean answers() {
    try {
      HttpURLConnection c =
          (HttpURLConnection) apiUrl.resolve("/api/v0/version").toURL().openConnection();
      c.setRequestMethod("POST");
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static void install(Path dir) throws IOException {
    if (Files.isExecutable(dir.resolve(JSIPFS))) {
      return;
    }
    String command = Files.exists(dir.resolve("package-lock.json")) ? "ci" : "install";
    Path log = Files.createTempFile("btfs-hybrid-npm-", ".log");
    Process npm;
    try {
      npm =
          new ProcessBuilder("npm", command, "--no-audit", "--no-fund")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IOException("npm is needed to install js-ipfs in " + dir + " but could not run", e);
    }
    try {
      if (!npm.waitFor(INSTALL_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        npm.destroyForcibly();
        throw new IOException(
            "npm "
                + command
                + " in "
                + dir
                + " took over "
                + INSTALL_LIMIT
                + ":\n"
                + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while installing js-ipfs", e);
    }
    if (npm.exitValue() != 0 || !Files.isExecutable(dir.resolve(JSIPFS))) {
      throw new IOException(
          "npm "
              + command
              + " in "
              + dir
              + " failed (exit "
              + npm.exitValue()
              + "):\n"
              + Files.readString(log));
    }
  }

  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return ports;
  }

  /** Stops the daemon and its children and deletes its repository. */
  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    try (Stream<Path> paths = Files.walk(repoParent)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a leftover temporary directory is harmless
    }
  }

  /** {@code IpfsNode[<api url>]}. */
  @Override
  public String toString() {
    return "IpfsNode[" + apiUrl + "]";
  }
}
