package io.btfshybrid.btfs;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real IPFS node (js-ipfs 0.66.1, from src/test/ipfs) on loopback for the whole test
 * run: installs it with {@code npm ci} when node_modules is missing, runs start-node.sh on free
 * ports, waits until the API answers, and stops it when the run ends. Fails loudly (never skips)
 * when npm or the node cannot be started.
 */
final class IpfsNodeExtension implements BeforeAllCallback, ParameterResolver {
  private static final Duration INSTALL_LIMIT = Duration.ofMinutes(10);
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  /** A running node: its RPC API ({@code /api/v0}) and gateway base URLs. */
  record IpfsNode(URI apiUrl, URI gatewayUrl) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    node(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == IpfsNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return node(e);
  }

  private static IpfsNode node(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.create(IpfsNodeExtension.class))
        .getOrComputeIfAbsent(RunningNode.class, k -> RunningNode.start(), RunningNode.class)
        .node;
  }

  private static final class RunningNode
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final Process process;
    final IpfsNode node;
    final Path repoParent;

    private RunningNode(Process process, IpfsNode node, Path repoParent) {
      this.process = process;
      this.node = node;
      this.repoParent = repoParent;
    }

    static RunningNode start() {
      try {
        Path dir = nodeDirectory();
        install(dir);
        int[] ports = freePorts(4);
        Path parent = Files.createTempDirectory("btfs-hybrid-ipfs-");
        Path log = parent.resolve("daemon.log");
        Process p =
            new ProcessBuilder(
                    "sh",
                    dir.resolve("start-node.sh").toString(),
                    parent.resolve("repo").toString(),
                    Integer.toString(ports[0]),
                    Integer.toString(ports[1]),
                    Integer.toString(ports[2]),
                    Integer.toString(ports[3]))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        IpfsNode node =
            new IpfsNode(
                URI.create("http://127.0.0.1:" + ports[1]),
                URI.create("http://127.0.0.1:" + ports[2]));
        RunningNode running = new RunningNode(p, node, parent);
        running.awaitReady(log);
        return running;
      } catch (IOException e) {
        throw new IllegalStateException("could not start the js-ipfs test node: " + e, e);
      }
    }

    private void awaitReady(Path log) throws IOException {
      long deadline = System.nanoTime() + START_LIMIT.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the js-ipfs daemon exited with "
                  + process.exitValue()
                  + ":\n"
                  + Files.readString(log));
        }
        if (Files.readString(log).contains("Daemon is ready") && answers(node.apiUrl())) {
          return;
        }
        sleep(200);
      }
      close();
      throw new IllegalStateException(
          "the js-ipfs daemon was not ready within " + START_LIMIT + ":\n" + Files.readString(log));
    }

    private static boolean answers(URI api) {
      try {
        HttpURLConnection c =
            (HttpURLConnection) api.resolve("/api/v0/version").toURL().openConnection();
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

    @Override
    public void close() {
      List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
      process.destroy();
      all.forEach(ProcessHandle::destroy);
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      deleteQuietly(repoParent);
    }
  }

  /** src/test/ipfs of this module, whether Maven runs from the module or the reactor root. */
  static Path nodeDirectory() {
    String basedir = System.getProperty("basedir");
    List<Path> candidates = new ArrayList<>();
    if (basedir != null) {
      candidates.add(Path.of(basedir, "src", "test", "ipfs"));
    }
    candidates.add(Path.of("src", "test", "ipfs"));
    candidates.add(Path.of("btfs-hybrid-btfs", "src", "test", "ipfs"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p.resolve("package.json"))) {
        return p.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "cannot find src/test/ipfs/package.json; looked in " + candidates);
  }

  private static void install(Path dir) throws IOException {
    if (Files.isExecutable(dir.resolve("node_modules/.bin/jsipfs"))) {
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
      throw new IllegalStateException(
          "npm is needed to install the js-ipfs test node (src/test/ipfs) but could not run: " + e,
          e);
    }
    try {
      if (!npm.waitFor(INSTALL_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        npm.destroyForcibly();
        throw new IllegalStateException(
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
      throw new IllegalStateException("interrupted while installing js-ipfs", e);
    }
    if (npm.exitValue() != 0 || !Files.isExecutable(dir.resolve("node_modules/.bin/jsipfs"))) {
      throw new IllegalStateException(
          "npm "
              + command
              + " in "
              + dir
              + " failed (exit "
              + npm.exitValue()
              + "):\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteQuietly(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
