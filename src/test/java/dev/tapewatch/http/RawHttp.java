package dev.tapewatch.http;

import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written and read by hand over a plain socket on loopback, so that a test can send what no client library
 * would (a broken request line, a header that never ends) and see exactly what the server answers.
 */
final class RawHttp implements Closeable {
  /** How long a read may block before the test fails: the server answers on loopback in far less. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final InputStream in;

  /** One answer: the status, the headers (names in lower case) and the body as text. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    this.in = new BufferedInputStream(socket.getInputStream());
  }

  /** A connection to the service on 127.0.0.1. */
  static RawHttp connect(int port) throws IOException {
    return new RawHttp(new Socket("127.0.0.1", port));
  }

  /**
   * A connection from another loopback address (127.0.0.2, 127.0.0.3, ...): the server sees another client, with
   * its own connection count and rate limits.
   */
  static RawHttp connectFrom(String localAddress, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    s.connect(new InetSocketAddress("127.0.0.1", port));
    return new RawHttp(s);
  }

  /**
   * A connection whose receive buffer holds only {@code bytes}: once the test stops reading, the server's writes back
   * up after a few megabytes at most, as they would for a client that stopped reading.
   */
  static RawHttp connectWithReceiveBuffer(int port, int bytes) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(bytes);
    s.connect(new InetSocketAddress("127.0.0.1", port));
    return new RawHttp(s);
  }

  /** Sends {@code request} on a new connection, reads the answer and closes. */
  static Response exchange(int port, String request) throws IOException {
    try (RawHttp c = connect(port)) {
      c.send(request);
      return c.read();
    }
  }

  /** {@code GET path} with a Host header and nothing else. */
  static String get(String path) {
    return request("GET", path, "Host: 127.0.0.1");
  }

  /** {@code method path} with {@code headers} (each "Name: value"; a Host among them). */
  static String request(String method, String path, String... headers) {
    StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** The next answer, its body read by Content-Length or chunk by chunk. */
  Response read() throws IOException {
    return read(true);
  }

  /** The next answer to a HEAD request: the headers only, whatever Content-Length says. */
  Response readHead() throws IOException {
    return read(false);
  }

  private Response read(boolean withBody) throws IOException {
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not a status line: " + statusLine);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (withBody && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
        body.write(in.readNBytes(size));
        line();
      }
      line();
    } else if (withBody && headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    }
    return new Response(Integer.parseInt(parts[1]), headers, body.toString(StandardCharsets.UTF_8));
  }

  /** One line without its CRLF. */
  String line() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("connection closed after: " + b);
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** Reads lines until {@code expected} comes; fails when none comes for {@code wait}. */
  void awaitLine(String expected, Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    try {
      while (!line().equals(expected)) {
        // the lines before it are not what is awaited
      }
    } finally {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    }
  }

  /**
   * True once the server has closed the connection: everything it still sends is read and then the end of the
   * stream (or a reset) comes. False when nothing comes for {@code wait} and the connection is still open.
   */
  boolean closedByServer(Duration wait) throws IOException {
    try {
      drain(wait);
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    }
  }

  /**
   * Reads and counts everything the server still sends until it closes the connection (or resets it); throws
   * {@link SocketTimeoutException} when nothing comes for {@code wait} and the connection is still open.
   */
  long drain(Duration wait) throws IOException {
    socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
    long total = 0;
    try {
      byte[] buf = new byte[65536];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        total += n;
      }
    } catch (SocketException reset) {
      // closed as well
    } finally {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    }
    return total;
  }

  Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
