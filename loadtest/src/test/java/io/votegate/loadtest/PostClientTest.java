package io.votegate.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.votegate.loadtest.PostClient.HttpAnswer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostClientTest {

  private static final String ANSWER = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
      + "content-length: 15\r\ncache-control: no-store\r\n\r\n{\"status\":\"ok\"}";

  @Test
  void readsStatusAndLengthOnceTheWholeAnswerIsThere() {
    long answer = HttpAnswer.parse(Buffer.buffer(ANSWER));
    assertEquals(202, HttpAnswer.status(answer));
    assertEquals(ANSWER.length(), HttpAnswer.length(answer));
  }

  @Test
  void waitsForTheRestOfTheHeadAndOfTheBody() {
    for (int cut = 0; cut < ANSWER.length(); cut++) {
      assertEquals(-1, HttpAnswer.parse(Buffer.buffer(ANSWER.substring(0, cut))), "incomplete at " + cut);
    }
  }

  @Test
  void leavesTheNextAnswerAlone() {
    var two = ANSWER + "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
    assertEquals(ANSWER.length(), HttpAnswer.length(HttpAnswer.parse(Buffer.buffer(two))));
    var second = HttpAnswer.parse(Buffer.buffer(two).getBuffer(ANSWER.length(), two.length()));
    assertEquals(401, HttpAnswer.status(second));
    assertEquals(two.length() - ANSWER.length(), HttpAnswer.length(second));
  }

  @Test
  void anAnswerWithoutLengthHasNoBody() {
    var head = "HTTP/1.1 204 No Content\r\nX-Note: content-length is not here\r\n\r\n";
    assertEquals(head.length(), HttpAnswer.length(HttpAnswer.parse(Buffer.buffer(head))));
  }

  /** Against a real server: every request arrives whole with its headers, each answer reaches its own caller. */
  @Test
  void postsOnReusedConnectionsAndMatchesEachAnswerToItsRequest() throws Exception {
    var vertx = Vertx.vertx();
    var seen = new ConcurrentLinkedQueue<String>();
    var ports = new ConcurrentLinkedQueue<Integer>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      seen.add(request.getHeader("Authorization") + " " + request.getHeader("X-Forwarded-For"));
      ports.add(request.connection().remoteAddress().port());
      int status = Integer.parseInt(body.toJsonObject().getString("answer"));
      request.response().setStatusCode(status).end("x".repeat(status % 7));
    })).listen(0).await(10, TimeUnit.SECONDS);
    try {
      var context = vertx.getOrCreateContext();
      var client = new PostClient(context, URI.create("http://127.0.0.1:" + server.actualPort()), 8);
      var statuses = new ArrayList<io.vertx.core.Future<Integer>>();
      var done = io.vertx.core.Promise.<List<Integer>>promise();
      context.runOnContext(v -> {
        for (int i = 0; i < 200; i++) {
          statuses.add(client.post("/api/v1/ballots", "token" + i, "10.0.0." + i,
              Buffer.buffer("{\"answer\":\"" + (i % 2 == 0 ? 202 : 409) + "\"}")));
        }
        io.vertx.core.Future.all(statuses).map(all -> statuses.stream().map(io.vertx.core.Future::result).toList())
            .onComplete(done);
      });
      var answers = done.future().await(30, TimeUnit.SECONDS);
      for (int i = 0; i < 200; i++) {
        assertEquals(i % 2 == 0 ? 202 : 409, answers.get(i), "request " + i);
      }
      var expected = new java.util.HashSet<String>();
      for (int i = 0; i < 200; i++) {
        expected.add("Bearer token" + i + " 10.0.0." + i);
      }
      assertEquals(expected, new java.util.HashSet<>(seen));
      long connections = ports.stream().distinct().count();
      assertTrue(connections <= 8, "at most 8 connections, reused: " + connections);
      client.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
