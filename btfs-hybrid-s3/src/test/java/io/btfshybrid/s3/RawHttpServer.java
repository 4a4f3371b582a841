package io.btfshybrid.s3;

import com.google.common.base.Splitter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny HTTP/1.1 server on 127.0.0.1 for answers WireMock cannot give: bodies that drip, stall or
 * never end. Every connection reads one request and hands the socket to the {@link Behaviour};
 * {@link #bytesSent} counts the body bytes the server managed to write.
 */
final class RawHttpServer implements AutoCloseable {
  /** What the server does with one request: writes to {@code out}, counting body bytes. */
  interface Behaviour {
    void answer(String requestLine, OutputStream out, AtomicLong bodyBytes) throws Exception;
  }

  private final ServerSocket server;
  private final ExecutorService connections = Executors.newCachedThreadPool();
  private final AtomicLong bytesSent = new AtomicLong();
  private final Semaphore finished = new Semaphore(0);
  private final Behaviour behaviour;

  RawHttpServer(Behaviour behaviour) throws IOException {
    this.behaviour = behaviour;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    connections.execute(this::acceptLoop);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  long bytesSent() {
    return bytesSent.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.execute(() -> serve(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSendBufferSize(16 * 1024);
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      long contentLength = 0;
      for (String line : Splitter.on("\r\n").split(head)) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          contentLength = Long.parseLong(line.substring(15).strip());
        }
      }
      in.skipNBytes(contentLength);
      behaviour.answer(
          head.substring(0, head.indexOf("\r\n")), socket.getOutputStream(), bytesSent);
    } catch (Exception e) {
      // the client went away: that is what most behaviours wait for
    } finally {
      finished.release();
    }
  }

  /** Waits until {@code answers} answers have ended (written out, or the client went away). */
  void awaitFinished(int answers) throws InterruptedException {
    finished.acquire(answers);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Writes the status line and headers of an answer with a {@code Content-Length}. */
  static void writeHead(OutputStream out, int status, long contentLength, String... headers)
      throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
    head.append("Content-Length: ").append(contentLength).append("\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Writes {@code total} bytes as fast as the client takes them, counting them. */
  static void writeEndlessly(OutputStream out, long total, AtomicLong counter) throws IOException {
    byte[] chunk = new byte[8192];
    for (long sent = 0; sent < total; sent += chunk.length) {
      out.write(chunk);
      counter.addAndGet(chunk.length);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    connections.shutdownNow();
  }
}
