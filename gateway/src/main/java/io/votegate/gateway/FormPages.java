package io.votegate.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.votegate.model.Election;
import io.votegate.model.ReceiptStatus;
import io.votegate.platform.Problem;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * The voting web form: plain HTML that works without JavaScript. Sign in, mark the ballot, get a receipt whose page
 * refreshes itself until the ballot is decided. It calls the same {@link Voting} as the JSON API.
 */
final class FormPages {
  private final Voting voting;
  private final ReceiptStore receipts;

  FormPages(Voting voting, ReceiptStore receipts) {
    this.voting = voting;
    this.receipts = receipts;
  }

  void getSignIn(RoutingContext ctx) {
    html(ctx, 200, signInPage(null));
  }

  void postSignIn(RoutingContext ctx) {
    var form = ctx.request().formAttributes();
    try {
      var session = voting.signIn(form.get("voterId"), form.get("code"));
      html(ctx, 200, ballotPage(session.token(), session.voter().value(), session.voter().state()));
    } catch (Problem problem) {
      html(ctx, problem.status(), signInPage(problem.getMessage()));
    }
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
        <p class=small>Your voter ID and code are printed on your voter card. Polls: %s.</p>"""
        .formatted(esc(pollsSummary(election))), false);
  }

  private static String pollsSummary(Election election) {
    var text = new StringBuilder();
    for (var state : election.states()) {
      text.append(text.isEmpty() ? "" : "; ").append(state.name()).append(" until ")
          .append(state.closes().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)).append(" UTC");
    }
    return text.toString().replace("T", " ").replace("Z UTC", " UTC");
  }

  private String ballotPage(String token, String voterId, String state) {
    var election = voting.election();
    var body = new StringBuilder("<form method=post action=\"/ballot\"><input type=hidden name=token value=\"")
        .append(esc(token)).append("\"><p>Ballot for <b>").append(esc(voterId)).append("</b>, ")
        .append(esc(election.state(state).orElseThrow().name())).append(".</p>");
    for (Election.Contest contest : election.ballotFor(state)) {
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
    return page(election.name(), body.toString(), false);
  }

  private String receiptPage(ReceiptStatus status) {
    var text = switch (status.status()) {
      case "counted" -> "Your ballot has been counted.";
      case "rejected" -> "Your ballot was not counted: " + status.reason().replace('_', ' ') + ".";
      default -> "Your ballot is in the ballot box and waiting to be counted. This page refreshes itself.";
    };
    return page("Your receipt", "<p class=" + status.status() + ">" + esc(text) + "</p><p>Receipt <code>"
        + esc(status.receipt()) + "</code>. Keep it to check your ballot's status later.</p>", !status.isFinal());
  }

  private String messagePage(String title, String text) {
    return page(title, "<p class=error role=alert>" + esc(text) + "</p><p><a href=\"/\">Start again</a></p>", false);
  }

  private static String page(String title, String body, boolean refresh) {
    return """
        <!doctype html><html lang=en><head><meta charset=utf-8>
        <meta name=viewport content="width=device-width, initial-scale=1"><link rel=icon href="data:,">%s
        <title>%s</title><style>
        body{font:17px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
        h1{font-size:1.6rem;border-bottom:4px solid #1d4ed8;padding-bottom:.3rem}
        label{display:block;margin:.6rem 0}input[name=voterId],input[name=code]{display:block;font-size:1.1rem;padding:.4rem;width:100%%;box-sizing:border-box}
        fieldset{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:600}
        .choice{padding:.3rem 0}button{font-size:1.1rem;padding:.6rem 1.4rem;background:#1d4ed8;color:#fff;border:0;border-radius:6px;cursor:pointer}
        .error{background:#fee2e2;border-left:4px solid #b91c1c;padding:.5rem}.counted{background:#dcfce7;border-left:4px solid #15803d;padding:.5rem}
        .rejected{background:#fee2e2;border-left:4px solid #b91c1c;padding:.5rem}.pending{background:#fef9c3;border-left:4px solid #a16207;padding:.5rem}
        .small{color:#555;font-size:.85rem}code{word-break:break-all}
        </style></head><body><h1>%s</h1>%s</body></html>"""
        .formatted(refresh ? "<meta http-equiv=refresh content=2>" : "", esc(title), esc(title), body);
  }

  private static String esc(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static void html(RoutingContext ctx, int status, String page) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(page);
  }
}
