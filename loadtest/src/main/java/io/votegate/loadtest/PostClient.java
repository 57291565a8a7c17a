package io.votegate.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench's hot path: POSTs of JSON on keep-alive HTTP/1.1 connections, each request written as one buffer and
 * each answer read for its status and length alone, as wrk does. Vert.x's HTTP client cost the load generator about
 * 35 µs of CPU a ballot (pool, header maps, request and response objects); on two shared cores that was CPU the
 * servers went without, and with one load thread the bare server's rate measured the client more than the server.
 * One request per connection at a time (browsers do not pipeline); connections open as needed, up to a bound, and
 * are reused, the most recently used first: a run at 128 at once keeps to 128 connections even after one at 1,024
 * opened more (oldest first, it sent its requests round all of them, and the bare server's rate fell by a fifth).
 * Used from one context only; status 0 means no answer (the connection failed or the request timed out).
 */
final class PostClient {
  private static final long TIMEOUT_NANOS = 30_000_000_000L;

  private final Context context;
  private final NetClient net;
  private final String host;
  private final int port;
  private final int maxConnections;
  private final List<Connection> connections = new ArrayList<>();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();
  private int opening;
  private final long sweeper;

  PostClient(Context context, URI target, int maxConnections) {
    this.context = context;
    this.net = context.owner().createNetClient(new NetClientOptions().setTcpNoDelay(true));
    this.host = target.getHost();
    this.port = target.getPort();
    this.maxConnections = maxConnections;
    this.sweeper = context.owner().setPeriodic(1_000, id -> failStale(System.nanoTime()));
  }

  /** A POST of {@code body} (JSON) to {@code path}, with a bearer token if not null; completes with the status. */
  Future<Integer> post(String path, String token, String forwardedFor, Buffer body) {
    var head = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host)
        .append(':').append(port).append("\r\nContent-Type: application/json\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    head.append("X-Forwarded-For: ").append(forwardedFor).append("\r\nContent-Length: ").append(body.length())
        .append("\r\n\r\n");
    var request = new Request(Buffer.buffer(head.toString().getBytes(StandardCharsets.ISO_8859_1)).appendBuffer(body),
        Promise.promise());
    var connection = idle.pollLast();
    if (connection != null) {
      connection.send(request);
    } else {
      waiting.addLast(request);
      if (connections.size() + opening < maxConnections && opening < waiting.size()) {
        open();
      }
    }
    return request.answer.future();
  }

  private void open() {
    opening++;
    net.connect(port, host).onComplete(connected -> {
      opening--;
      if (connected.failed()) {
        var request = waiting.pollFirst();
        if (request != null) {
          request.answer.complete(0);
        }
        return;
      }
      var connection = new Connection(connected.result());
      connections.add(connection);
      connection.ready();
    });
  }

  private void failStale(long now) {
    for (var connection : List.copyOf(connections)) {
      if (connection.inFlight != null && now - connection.sentAt > TIMEOUT_NANOS) {
        connection.socket.close();
      }
    }
  }

  Future<Void> close() {
    context.owner().cancelTimer(sweeper);
    return net.close();
  }

  private record Request(Buffer bytes, Promise<Integer> answer) {}

  private final class Connection {
    private final NetSocket socket;
    private Buffer received = Buffer.buffer();
    private Request inFlight;
    private long sentAt;

    Connection(NetSocket socket) {
      this.socket = socket;
      socket.handler(this::onData);
      socket.closeHandler(v -> closed());
      socket.exceptionHandler(e -> socket.close());
    }

    void send(Request request) {
      inFlight = request;
      sentAt = System.nanoTime();
      socket.write(request.bytes());
    }

    /** Takes the next waiting request, or waits for one. */
    void ready() {
      var next = waiting.pollFirst();
      if (next != null) {
        send(next);
      } else {
        idle.addLast(this);
      }
    }

    private void onData(Buffer data) {
      received.appendBuffer(data);
      long answer = HttpAnswer.parse(received);
      if (answer < 0) {
        return;
      }
      int length = HttpAnswer.length(answer);
      received = length == received.length() ? Buffer.buffer() : received.getBuffer(length, received.length());
      var request = inFlight;
      inFlight = null;
      if (request != null) {
        request.answer().complete(HttpAnswer.status(answer));
      }
      ready();
    }

    private void closed() {
      connections.remove(this);
      idle.remove(this);
      if (inFlight != null) {
        inFlight.answer().complete(0);
        inFlight = null;
      }
      if (!waiting.isEmpty() && connections.size() + opening < maxConnections) {
        open();
      }
    }
  }

  /** Reads an HTTP/1.1 answer's status and length from the bytes received so far. */
  static final class HttpAnswer {
    private HttpAnswer() {}

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * The status and whole length (head and body) of the answer at the start of {@code bytes}, packed (see
     * {@link #status}, {@link #length}); -1 while incomplete. An answer without Content-Length has no body.
     */
    static long parse(Buffer bytes) {
      int end = headEnd(bytes);
      if (end < 0) {
        return -1;
      }
      int status = (digit(bytes, 9) * 10 + digit(bytes, 10)) * 10 + digit(bytes, 11);
      long total = end + contentLength(bytes, end);
      return total > bytes.length() ? -1 : (long) status << 32 | total;
    }

    static int status(long answer) {
      return (int) (answer >>> 32);
    }

    static int length(long answer) {
      return (int) answer;
    }

    /** Where the body starts: just past the blank line; -1 if it has not arrived. */
    private static int headEnd(Buffer bytes) {
      for (int i = 3; i < bytes.length(); i++) {
        if (bytes.getByte(i) == '\n' && bytes.getByte(i - 1) == '\r' && bytes.getByte(i - 2) == '\n'
            && bytes.getByte(i - 3) == '\r') {
          return i + 1;
        }
      }
      return -1;
    }

    private static int contentLength(Buffer bytes, int end) {
      for (int line = 0; line < end; ) {
        if (matchesIgnoringCase(bytes, line, CONTENT_LENGTH)) {
          int value = 0;
          for (int i = line + CONTENT_LENGTH.length; i < end && bytes.getByte(i) != '\r'; i++) {
            byte b = bytes.getByte(i);
            if (b >= '0' && b <= '9') {
              value = value * 10 + (b - '0');
            }
          }
          return value;
        }
        while (line < end && bytes.getByte(line) != '\n') {
          line++;
        }
        line++;
      }
      return 0;
    }

    private static boolean matchesIgnoringCase(Buffer bytes, int at, byte[] lowerCase) {
      if (at + lowerCase.length > bytes.length()) {
        return false;
      }
      for (int i = 0; i < lowerCase.length; i++) {
        if (Character.toLowerCase(bytes.getByte(at + i)) != lowerCase[i]) {
          return false;
        }
      }
      return true;
    }

    private static int digit(Buffer bytes, int at) {
      byte b = at < bytes.length() ? bytes.getByte(at) : 0;
      return b >= '0' && b <= '9' ? b - '0' : 0;
    }
  }
}
