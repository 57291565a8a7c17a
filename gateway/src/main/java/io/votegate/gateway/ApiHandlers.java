package io.votegate.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.votegate.model.ReceiptStatus;
import io.votegate.platform.Http;
import io.votegate.platform.Problem;

import java.util.HashMap;
import java.util.Map;

/** The voter JSON API of API.md: election info, sessions, ballots, receipts and their event streams. */
final class ApiHandlers {
  private static final String RECEIPTS = "/api/v1/receipts/";

  private final Voting voting;
  private final ReceiptStore receipts;
  private final ClientAddresses clients;
  private final ReceiptWatchers watchers;
  /** The election never changes while the gateway runs: its public form and each state's ballot are built once. */
  private final JsonObject election;
  private final Map<String, JsonObject> ballots = new HashMap<>();

  ApiHandlers(Voting voting, ReceiptStore receipts, ClientAddresses clients, ReceiptWatchers watchers) {
    this.voting = voting;
    this.receipts = receipts;
    this.clients = clients;
    this.watchers = watchers;
    this.election = voting.election().publicJson();
    voting.election().states().forEach(s -> ballots.put(s.code(), voting.election().ballotJson(s.code())));
  }

  void getElection(RoutingContext ctx) {
    // The same for everyone, and short-lived: operators may change a window during the day.
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=5");
    Http.json(ctx, 200, voting.publicElection(election));
  }

  void postSession(RoutingContext ctx) {
    var address = clients.of(ctx.request());
    Requests.SignIn request;
    try {
      request = Requests.signIn(ctx.body().buffer());
    } catch (Problem malformed) {
      voting.malformedSignIn(malformed, address).onFailure(ctx::fail);
      return;
    }
    voting.signIn(request.voterId(), request.code(), address)
        .onSuccess(session -> Http.json(ctx, 201, new JsonObject()
            .put("token", session.token())
            .put("voterId", session.voter().value())
            .put("state", session.voter().state())
            .put("county", session.voter().county())
            .put("expiresAt", session.expiresAt().toString())
            .put("ballot", ballots.get(session.voter().state()))))
        .onFailure(ctx::fail);
  }

  void postBallot(RoutingContext ctx) {
    var token = bearer(ctx);
    var selections = Requests.ballot(ctx.body().buffer());
    // One listener, not onSuccess and onFailure: a second makes the future keep a list of them, for every ballot.
    voting.submit(token, selections).onComplete(receipt -> {
      if (receipt.succeeded()) {
        Http.json(ctx, 202, accepted(receipt.result()));
      } else {
        ctx.fail(receipt.cause());
      }
    });
  }

  /**
   * The 202's body, written out: every ballot gets one, and Jackson's general path for this fixed shape took 3 % of
   * the event loops' samples. A receipt is base64url, which JSON needs no escape for.
   */
  private static String accepted(String receipt) {
    return "{\"receipt\":\"" + receipt + "\",\"status\":\"pending\",\"links\":{\"status\":\"" + RECEIPTS + receipt
        + "\",\"events\":\"" + eventsLink(receipt) + "\"}}";
  }

  /** Where a receipt's status changes stream from (API.md); the form's receipt page watches it too. */
  static String eventsLink(String receipt) {
    return RECEIPTS + receipt + "/events";
  }

  void getReceipt(RoutingContext ctx) {
    var receipt = genuineReceipt(ctx);
    receipts.status(receipt)
        .onSuccess(status -> Http.json(ctx, 200, status.toJson()))
        .onFailure(e -> ctx.fail(Problem.unavailable("Receipt statuses are unreachable; try again shortly.", 2)));
  }

  /** SSE: the status at once, then every change, ending after a final status. */
  void streamReceipt(RoutingContext ctx) {
    var receipt = genuineReceipt(ctx);
    var response = ctx.response();
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8").end();
      return;
    }
    var vertx = ctx.vertx();
    var heartbeat = vertx.setPeriodic(15_000, id -> response.write(": heartbeat\n\n"));
    var sender = new Object() {
      boolean done;
      Runnable unwatch = () -> {};

      void close() {
        unwatch.run();
        vertx.cancelTimer(heartbeat);
      }

      void send(ReceiptStatus status) {
        if (done) {
          return;
        }
        response.write("event: status\ndata: " + status.toJson().encode() + "\n\n");
        if (status.isFinal()) {
          done = true;
          close();
          response.end();
        }
      }
    };
    response.closeHandler(v -> sender.close());
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    // Watch before reading the current status, so a decision landing in between is not missed.
    sender.unwatch = watchers.watch(receipt, json -> sender.send(ReceiptStatus.fromJson(json)));
    receipts.status(receipt).onSuccess(sender::send).onFailure(e -> {
      sender.close();
      response.end();
    });
  }

  private String genuineReceipt(RoutingContext ctx) {
    var receipt = ctx.pathParam("receipt");
    if (!voting.isGenuineReceipt(receipt)) {
      throw Problem.of(404, "unknown_receipt", "Unknown receipt", "No such receipt was issued here.");
    }
    return receipt;
  }

  private static String bearer(RoutingContext ctx) {
    var header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw Problem.of(401, "invalid_token", "Invalid session", "Send the session token as 'Authorization: Bearer <token>'.");
    }
    return header.substring(7).trim();
  }
}
