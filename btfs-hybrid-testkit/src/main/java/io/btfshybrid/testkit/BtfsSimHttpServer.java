package io.btfshybrid.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deliberately small HTTP/1.1 server on loopback for the BTFS node simulator: one request per
 * connection ({@code Connection: close}), chunked or sized request bodies, and full control of the
 * response bytes — chunked bodies with trailers, stalls and early ends — which the JDK's server
 * cannot produce.
 */
final class BtfsSimHttpServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(BtfsSimHttpServer.class);

  /** Handles one request. */
  @FunctionalInterface
  interface Handler {
    void handle(Exchange exchange) throws IOException;
  }

  private final ServerSocket server;
  private final Handler handler;
  private final ExecutorService workers;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  BtfsSimHttpServer(Handler handler) throws IOException {
    this.handler = handler;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "btfs-sim-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    workers.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        workers.execute(() -> serve(socket));
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("simulator accept failed", e);
        }
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      Exchange exchange = Exchange.parse(in, out);
      if (exchange != null) {
        try {
          handler.handle(exchange);
        } catch (IOException | RuntimeException e) {
          if (!exchange.responseStarted && !closed) {
            exchange.drainRequest();
            exchange.sendText(
                500,
                "application/json",
                "{\"Message\":\"simulator failure: "
                    + jsonEscape(String.valueOf(e.getMessage()))
                    + "\",\"Code\":0,\"Type\":\"error\"}");
          } else if (!(e instanceof SocketException)) {
            LOG.debug("simulator handler failed after the response started", e);
          }
        }
        out.flush();
      }
    } catch (IOException e) {
      LOG.debug("simulator connection ended: {}", e.toString());
    } finally {
      open.remove(socket);
    }
  }

  static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    workers.shutdownNow();
  }

  /** One request and the means to answer it. */
  static final class Exchange {
    final String method;
    final String path;
    final Map<String, List<String>> query;
    final Map<String, String> headers;
    final InputStream body;
    private final OutputStream out;
    boolean responseStarted;
    private boolean chunked;

    private Exchange(
        String method,
        String path,
        Map<String, List<String>> query,
        Map<String, String> headers,
        InputStream body,
        OutputStream out) {
      this.method = method;
      this.path = path;
      this.query = query;
      this.headers = headers;
      this.body = body;
      this.out = out;
    }

    static Exchange parse(InputStream in, OutputStream out) throws IOException {
      String requestLine = readLine(in);
      if (requestLine == null || requestLine.isEmpty()) {
        return null;
      }
      String[] parts =
          com.google.common.base.Splitter.on(' ').splitToList(requestLine).toArray(new String[0]);
      if (parts.length < 3) {
        throw new IOException("bad request line: " + requestLine);
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).trim());
        }
      }
      String target = parts[1];
      int q = target.indexOf('?');
      String path = q < 0 ? target : target.substring(0, q);
      Map<String, List<String>> query = new LinkedHashMap<>();
      if (q >= 0) {
        for (String pair : com.google.common.base.Splitter.on('&').split(target.substring(q + 1))) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          String name =
              URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String value =
              eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
      }
      InputStream body;
      if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
        body = new ChunkedBody(in);
      } else {
        long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
        body = new SizedBody(in, length);
      }
      return new Exchange(parts[0], path, query, headers, body, out);
    }

    String param(String name) {
      List<String> values = query.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    void drainRequest() {
      try {
        body.transferTo(OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // the answer matters more
      }
    }

    void sendText(int status, String contentType, String text) throws IOException {
      sendBytes(status, Map.of("Content-Type", contentType), text.getBytes(StandardCharsets.UTF_8));
    }

    void sendBytes(int status, Map<String, String> extraHeaders, byte[] content)
        throws IOException {
      Map<String, String> h = new LinkedHashMap<>(extraHeaders);
      h.put("Content-Length", Integer.toString(content.length));
      writeHead(status, h);
      out.write(content);
      out.flush();
    }

    /** Starts an answer whose headers give its length; write the bytes with {@link #writeRaw}. */
    void startSized(int status, Map<String, String> headers) throws IOException {
      writeHead(status, new LinkedHashMap<>(headers));
    }

    void writeRaw(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      out.flush();
    }

    /** Starts a chunked answer; write with {@link #writeChunk}, end with {@link #endChunked}. */
    void startChunked(int status, Map<String, String> extraHeaders) throws IOException {
      Map<String, String> h = new LinkedHashMap<>(extraHeaders);
      h.put("Transfer-Encoding", "chunked");
      writeHead(status, h);
      chunked = true;
    }

    void writeChunk(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return;
      }
      out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b, off, len);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    /** The last chunk, with trailer fields when given. */
    void endChunked(Map<String, String> trailers) throws IOException {
      if (!chunked) {
        throw new IllegalStateException("not a chunked answer");
      }
      StringBuilder end = new StringBuilder("0\r\n");
      trailers.forEach((k, v) -> end.append(k).append(": ").append(v).append("\r\n"));
      end.append("\r\n");
      out.write(end.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    private void writeHead(int status, Map<String, String> h) throws IOException {
      if (responseStarted) {
        throw new IllegalStateException("the answer already started");
      }
      responseStarted = true;
      StringBuilder head =
          new StringBuilder("HTTP/1.1 ")
              .append(status)
              .append(' ')
              .append(reason(status))
              .append("\r\n");
      h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Connection: close\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String reason(int status) {
      return switch (status) {
        case 200 -> "OK";
        case 206 -> "Partial Content";
        case 400 -> "Bad Request";
        case 403 -> "Forbidden";
        case 404 -> "Not Found";
        case 405 -> "Method Not Allowed";
        case 416 -> "Range Not Satisfiable";
        default -> status >= 500 ? "Internal Server Error" : "Status";
      };
    }

    static String readLine(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream(128);
      while (true) {
        int b = in.read();
        if (b < 0) {
          return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }
        if (b == '\n') {
          String s = line.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        if (line.size() > 16 * 1024) {
          throw new IOException("header line too long");
        }
        line.write(b);
      }
    }
  }

  /** A request body, read in blocks; single bytes go through the block read. */
  private abstract static class Body extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
  }

  /** A request body of known length. */
  private static final class SizedBody extends Body {
    private final InputStream in;
    private long left;

    SizedBody(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new IOException("request body ended early");
      }
      left -= n;
      return n;
    }
  }

  /** A chunked request body (trailers read and ignored). */
  private static final class ChunkedBody extends Body {
    private final InputStream in;
    private long chunkLeft;
    private boolean done;

    ChunkedBody(InputStream in) {
      this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (chunkLeft == 0) {
        String size = Exchange.readLine(in);
        if (size == null) {
          throw new IOException("chunked body ended without its last chunk");
        }
        int semi = size.indexOf(';');
        chunkLeft = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (chunkLeft == 0) {
          for (String t = Exchange.readLine(in);
              t != null && !t.isEmpty();
              t = Exchange.readLine(in)) {
            // trailer fields of the request: not used
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, chunkLeft));
      if (n < 0) {
        throw new IOException("chunked body ended inside a chunk");
      }
      chunkLeft -= n;
      if (chunkLeft == 0) {
        Exchange.readLine(in);
      }
      return n;
    }
  }
}
