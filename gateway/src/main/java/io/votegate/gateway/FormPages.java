package io.votegate.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.votegate.model.Election;
import io.votegate.model.ReceiptStatus;
import io.votegate.platform.Problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The voting web form: plain HTML that works without JavaScript. Sign in, mark the ballot, get a receipt whose page
 * follows the receipt's status stream (or, without JavaScript, refreshes itself) until the ballot is decided. It calls
 * the same {@link Voting} as the JSON API.
 */
final class FormPages {
  private final Voting voting;
  private final ReceiptStore receipts;
  private final ClientAddresses clients;

  FormPages(Voting voting, ReceiptStore receipts, ClientAddresses clients) {
    this.voting = voting;
    this.receipts = receipts;
    this.clients = clients;
  }

  void getSignIn(RoutingContext ctx) {
    html(ctx, 200, signInPage(null));
  }

  void postSignIn(RoutingContext ctx) {
    var form = ctx.request().formAttributes();
    voting.signIn(form.get("voterId"), form.get("code"), clients.of(ctx.request()))
        .onSuccess(session -> html(ctx, 200, ballotPage(session.token(), session.voter().value(), session.voter().state())))
        .onFailure(e -> {
          var problem = e instanceof Problem p ? p : Problem.unavailable("Please try again shortly.", 5);
          if (problem.retryAfterSeconds() != null) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(problem.retryAfterSeconds()));
          }
          html(ctx, problem.status(), signInPage(problem.getMessage()));
        });
  }

  void postBallot(RoutingContext ctx) {
    var form = ctx.request().formAttributes();
    var selections = new LinkedHashMap<String, List<String>>();
    form.names().stream().filter(n -> n.startsWith("c.")).forEach(n -> selections.put(n.substring(2), form.getAll(n)));
    voting.submit(form.get("token"), selections)
        .onSuccess(receipt -> ctx.response().setStatusCode(303)
            .putHeader(HttpHeaders.LOCATION, "/receipt/" + receipt).end())
        .onFailure(e -> {
          int status = e instanceof Problem p ? p.status() : 500;
          if (status >= 500) {
            html(ctx, status, messagePage("Not yet recorded",
                e.getMessage() + " Your ballot was not recorded; go back and submit it again."));
          } else {
            var problem = (Problem) e;
            html(ctx, status, messagePage("Your ballot was not accepted", problem.getMessage()
                + (problem.code().equals("invalid_ballot") ? " Go back and check your choices." : "")));
          }
        });
  }

  void getReceipt(RoutingContext ctx) {
    var receipt = ctx.pathParam("receipt");
    if (!voting.isGenuineReceipt(receipt)) {
      html(ctx, 404, messagePage("Unknown receipt", "No such receipt was issued here."));
      return;
    }
    receipts.status(receipt)
        .onSuccess(status -> html(ctx, 200, receiptPage(status)))
        .onFailure(ctx::fail);
  }

  private String signInPage(String error) {
    var election = voting.election();
    return page(election.name(), (error == null ? "" : "<p class=error role=alert>" + esc(error) + "</p>") + """
        <form method=post action="/vote">
          <h2>Sign in with your voter card</h2>
          <label>Voter ID <input name=voterId required autocomplete=off placeholder="DE10001-00000001"></label>
          <label>Code <input name=code required autocomplete=off placeholder="ABCDE12345"></label>
          <button type=submit>Get my ballot</button>
        </form>
        <p class=small>Your voter ID and code are printed on your voter card.</p>
        <details><summary>Poll hours by state</summary><ul class=polls>%s</ul></details>"""
        .formatted(pollHours(election)), null);
  }

  /** Each state's window in its own time zone, as its voters read their clocks. */
  private static String pollHours(Election election) {
    var list = new StringBuilder();
    for (var state : election.states()) {
      list.append("<li><b>").append(esc(state.name())).append("</b>: ").append(esc(state.pollsOpen()))
          .append(" to ").append(esc(state.pollsClose())).append("</li>");
    }
    return list.toString();
  }

  private String ballotPage(String token, String voterId, String stateCode) {
    var election = voting.election();
    var state = election.state(stateCode).orElseThrow();
    var body = new StringBuilder("<form method=post action=\"/ballot\"><input type=hidden name=token value=\"")
        .append(esc(token)).append("\"><p>Ballot for <b>").append(esc(voterId)).append("</b>, ")
        .append(esc(state.name())).append(". Polls close ").append(esc(state.pollsClose())).append(".</p>");
    for (Election.Contest contest : election.ballotFor(stateCode)) {
      var type = contest.maxChoices() == 1 ? "radio" : "checkbox";
      body.append("<fieldset><legend>").append(esc(contest.title())).append(" <span class=small>(")
          .append(contest.maxChoices() == 1 ? "choose one" : "choose up to " + contest.maxChoices())
          .append(")</span></legend>");
      for (var candidate : contest.candidates()) {
        body.append("<label class=choice><input type=").append(type).append(" name=\"c.").append(esc(contest.id()))
            .append("\" value=\"").append(esc(candidate.id())).append("\"> ").append(esc(candidate.name()))
            .append(" <span class=small>").append(esc(candidate.party())).append("</span></label>");
      }
      body.append("</fieldset>");
    }
    body.append("<button type=submit>Cast my ballot</button></form>");
    return page(election.name(), body.toString(), null);
  }

  /** The outcome's sentence for each status a receipt can reach, so that the page's script can say it in place. */
  private static final Map<String, String> OUTCOMES = outcomes();

  private static Map<String, String> outcomes() {
    var texts = new LinkedHashMap<String, String>();
    texts.put("pending", "Your ballot is in the ballot box and waiting to be counted. This page updates itself.");
    texts.put("counted", "Your ballot has been counted.");
    for (var reason : List.of("already_voted", "not_on_roll", "revoked", "polls_closed")) {
      texts.put("rejected-" + reason, "Your ballot was not counted: " + reason.replace('_', ' ') + ".");
    }
    return Map.copyOf(texts);
  }

  private String receiptPage(ReceiptStatus status) {
    var outcome = status.status() + (status.reason() == null ? "" : "-" + status.reason());
    var text = OUTCOMES.getOrDefault(outcome, "Your ballot was not counted: " + status.reason() + ".");
    var paragraph = new StringBuilder("<p id=status role=status class=").append(status.status());
    if (!status.isFinal()) {
      paragraph.append(" data-events=\"/api/v1/receipts/").append(esc(status.receipt())).append("/events\"");
      OUTCOMES.forEach((key, sentence) -> paragraph.append(" data-").append(key).append("=\"").append(esc(sentence))
          .append('"'));
    }
    paragraph.append('>').append(esc(text)).append("</p>");
    return page("Your receipt", paragraph + "<p>Receipt <code>" + esc(status.receipt())
        + "</code>. Keep it to check your ballot's status later.</p>", status.isFinal() ? null : "/assets/receipt.js");
  }

  private String messagePage(String title, String text) {
    return page(title, "<p class=error role=alert>" + esc(text) + "</p><p><a href=\"/\">Start again</a></p>", null);
  }

  /**
   * A page: styles from a file and scripts only from files, so the Content-Security-Policy can forbid anything inline.
   * A page with a {@code script} follows a status; without JavaScript its {@code noscript} refresh does instead.
   */
  private static String page(String title, String body, String script) {
    return """
        <!doctype html><html lang=en><head><meta charset=utf-8>
        <meta name=viewport content="width=device-width, initial-scale=1"><link rel=icon href="data:,">
        <link rel=stylesheet href="/assets/votegate.css">%s
        <title>%s</title></head><body><h1>%s</h1>%s</body></html>"""
        .formatted(script == null ? ""
                : "<noscript><meta http-equiv=refresh content=2></noscript><script src=\"" + script + "\" defer></script>",
            esc(title), esc(title), body);
  }

  private static String esc(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static void html(RoutingContext ctx, int status, String page) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(page);
  }
}
