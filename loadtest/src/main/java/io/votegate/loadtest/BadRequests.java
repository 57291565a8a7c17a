package io.votegate.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The bad-input catalogue: requests a broken client or an attacker sends, each with the answer API.md promises for
 * it. None may get a 2xx or a 5xx, and none may change a count. Sign-in failures may also meet the rate limit's 429.
 */
final class BadRequests {

  /** One kind of bad request and the statuses that are a correct answer to it. */
  record Kind(String name, Set<Integer> answers) {}

  /** A bad request ready to send. */
  record Request(Kind kind, HttpMethod method, String path, Map<String, String> headers, Buffer body) {}

  private static final Set<Integer> SIGN_IN_400 = Set.of(400, 429);
  private static final Set<Integer> SIGN_IN_401 = Set.of(401, 429);

  static final List<Kind> CATALOGUE = List.of(
      new Kind("malformed JSON", SIGN_IN_400),
      new Kind("unknown field", SIGN_IN_400),
      new Kind("wrong type", SIGN_IN_400),
      new Kind("wrong code", SIGN_IN_401),
      new Kind("forged token", Set.of(401)),
      new Kind("invalid ballot", Set.of(400)),
      new Kind("oversized body", Set.of(413)),
      new Kind("wrong content type", Set.of(415)),
      new Kind("forged receipt", Set.of(404)),
      new Kind("wrong method", Set.of(405)));

  private BadRequests() {}

  /**
   * The {@code n}-th bad request: the kinds take turns. {@code voterId} is a real voter ID of the election,
   * {@code token} a real session token (for a ballot that breaks the ballot's rules), or null if none is at hand.
   */
  static Request nth(long n, String voterId, String token) {
    var kind = CATALOGUE.get((int) (n % CATALOGUE.size()));
    var json = Map.of("Content-Type", "application/json");
    return switch (kind.name()) {
      case "malformed JSON" -> new Request(kind, HttpMethod.POST, "/api/v1/sessions", json,
          Buffer.buffer("{\"voterId\": \"" + voterId + "\", \"code\": "));
      case "unknown field" -> new Request(kind, HttpMethod.POST, "/api/v1/sessions", json,
          Buffer.buffer("{\"voterId\":\"" + voterId + "\",\"code\":\"AAAAAAAAAA\",\"admin\":true}"));
      case "wrong type" -> new Request(kind, HttpMethod.POST, "/api/v1/sessions", json,
          Buffer.buffer("{\"voterId\":\"" + voterId + "\",\"code\":12345}"));
      // A voter ID shaped like a real one (so only the code can be wrong), from a serial beyond any roll.
      case "wrong code" -> new Request(kind, HttpMethod.POST, "/api/v1/sessions", json,
          Buffer.buffer("{\"voterId\":\"" + voterId.substring(0, 8) + "99999999\",\"code\":\"" + random(10) + "\"}"));
      case "forged token" -> new Request(kind, HttpMethod.POST, "/api/v1/ballots",
          Map.of("Content-Type", "application/json", "Authorization", "Bearer " + random(120)),
          Buffer.buffer("{\"selections\":{}}"));
      case "invalid ballot" -> token == null
          ? nth(n + 1, voterId, null)
          : new Request(kind, HttpMethod.POST, "/api/v1/ballots",
              Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token),
              Buffer.buffer("{\"selections\":{\"no-such-contest\":[\"nobody\"]}}"));
      case "oversized body" -> new Request(kind, HttpMethod.POST, "/api/v1/sessions", json,
          Buffer.buffer("{\"voterId\":\"" + "X".repeat(17 * 1024) + "\",\"code\":\"A\"}"));
      case "wrong content type" -> new Request(kind, HttpMethod.POST, "/api/v1/sessions",
          Map.of("Content-Type", "text/plain"), Buffer.buffer("voterId=" + voterId));
      case "forged receipt" -> new Request(kind, HttpMethod.GET, "/api/v1/receipts/" + random(40), Map.of(), null);
      case "wrong method" -> new Request(kind, HttpMethod.DELETE, "/api/v1/ballots", Map.of(), null);
      default -> throw new IllegalStateException(kind.name());
    };
  }

  private static String random(int length) {
    var bytes = new byte[length];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, length);
  }
}
