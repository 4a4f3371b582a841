package io.btfshybrid.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real js-ipfs node (npm {@code ipfs@0.66.1}) on loopback, started the way the btfs module's
 * tests start it: {@code btfs-hybrid-btfs/src/test/ipfs/start-node.sh} on free ports (installing
 * it with {@code npm ci} first when node_modules is missing), ready when the API answers.
 */
final class IpfsDaemon implements AutoCloseable {
  private static final long START_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(90);

  private final Process process;
  private final Path repoParent;
  private final URI apiUrl;

  private IpfsDaemon(Process process, Path repoParent, URI apiUrl) {
    this.process = process;
    this.repoParent = repoParent;
    this.apiUrl = apiUrl;
  }

  /** The node's RPC API base URL ({@code /api/v0} below it). */
  URI apiUrl() {
    return apiUrl;
  }

  static IpfsDaemon start(Path nodeDir) throws IOException, InterruptedException {
    if (!Files.isExecutable(nodeDir.resolve("node_modules/.bin/jsipfs"))) {
      Process npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
              .directory(nodeDir.toFile())
              .inheritIO()
              .start();
      if (npm.waitFor() != 0) {
        throw new IOException("npm ci in " + nodeDir + " failed");
      }
    }
    int[] ports = freePorts(4);
    Path parent = Files.createTempDirectory("btfs-bench-ipfs-");
    Path log = parent.resolve("daemon.log");
    List<String> command = new ArrayList<>(List.of("sh", nodeDir.resolve("start-node.sh") + ""));
    command.add(parent.resolve("repo").toString());
    for (int p : ports) {
      command.add(Integer.toString(p));
    }
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    IpfsDaemon daemon = new IpfsDaemon(p, parent, URI.create("http://127.0.0.1:" + ports[1]));
    long deadline = System.nanoTime() + START_LIMIT_NANOS;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("js-ipfs exited:\n" + Files.readString(log));
      }
      if (Files.readString(log).contains("Daemon is ready") && daemon.answers()) {
        return daemon;
      }
      Thread.sleep(200); // polling a child process's start-up; not ordering events in a test
    }
    daemon.close();
    throw new IOException("js-ipfs was not ready in time:\n" + Files.readString(log));
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

  @Override
  public void close() throws IOException {
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
    BenchSupport.deleteRecursively(repoParent);
  }
}
