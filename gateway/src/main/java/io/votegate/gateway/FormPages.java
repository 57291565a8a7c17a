package io.votegate.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.votegate.model.Election;
import io.votegate.model.ReceiptStatus;
import io.votegate.model.VoterId;
import io.votegate.platform.Problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The voting web form in three steps (voter card, ballot, receipt) plus a page to check a receipt: plain HTML that
 * works without JavaScript, in English or Spanish ({@link FormText}). Errors are shown next to the field or contest
 * they concern. The receipt page follows the receipt's status stream with its one script, or refreshes itself
 * without it. It calls the same {@link Voting} as the JSON API, so the form and the API refuse the same things.
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

  // --- step 1: the voter card ----------------------------------------------------------------------------------

  void getSignIn(RoutingContext ctx) {
    var t = FormText.of(ctx);
    html(ctx, 200, signInPage(t, "", Map.of(), null));
  }

  void postSignIn(RoutingContext ctx) {
    var t = FormText.of(ctx);
    var form = ctx.request().formAttributes();
    var voterId = trimmed(form.get("voterId"));
    var code = trimmed(form.get("code"));
    var address = clients.of(ctx.request());
    var missing = new LinkedHashMap<String, String>();
    if (voterId.isEmpty()) {
      missing.put("voterId", t.get("signin.voterId.missing"));
    }
    if (code.isEmpty()) {
      missing.put("code", t.get("signin.code.missing"));
    }
    var attempt = missing.isEmpty()
        ? voting.signIn(voterId, code, address)
        : voting.malformedSignIn(Problem.malformed(missing.keySet().iterator().next(), "required"), address);
    attempt.onSuccess(session -> html(ctx, 200, ballotPage(t, session.token(), session.voter(), Map.of(), Map.of(), null)))
        .onFailure(e -> {
          var problem = asProblem(e);
          retryAfter(ctx, problem);
          switch (problem.code()) {
            case "malformed" -> html(ctx, 400, signInPage(t, voterId, missing, null));
            case "invalid_credentials" -> html(ctx, 401, signInPage(t, voterId, Map.of("code", t.get("signin.mismatch")), null));
            case "too_many_attempts" -> html(ctx, 429, signInPage(t, voterId, Map.of(),
                t.get("signin.tooMany", (problem.retryAfterSeconds() + 59) / 60)));
            case "polls_closed" -> html(ctx, 403, signInPage(t, voterId, Map.of(), pollsClosed(t, voterId)));
            default -> html(ctx, problem.status(), signInPage(t, voterId, Map.of(), t.get("unavailable")));
          }
        });
  }

  private String pollsClosed(FormText t, String voterId) {
    return VoterId.parse(voterId).flatMap(v -> voting.election().state(v.state()))
        .map(s -> t.get("polls.closed", s.name(), t.time(s.opens(), s.zone()), t.time(voting.closes(s), s.zone())))
        .orElse(t.get("unavailable"));
  }

  private String signInPage(FormText t, String voterId, Map<String, String> errors, String alert) {
    var body = new StringBuilder();
    alert(body, alert);
    body.append("<p>").append(esc(t.get("signin.intro"))).append("</p>")
        .append("<form method=post action=\"/vote\">").append(hiddenLanguage(t));
    field(body, "voterId", t.get("signin.voterId"), t.get("signin.voterId.hint"), voterId, errors.get("voterId"),
        "autocapitalize=characters");
    field(body, "code", t.get("signin.code"), t.get("signin.code.hint"), "", errors.get("code"),
        "autocapitalize=characters");
    body.append("<button type=submit>").append(esc(t.get("signin.submit"))).append("</button></form>")
        .append("<h2>").append(esc(t.get("polls.heading"))).append("</h2><ul class=polls>");
    for (var state : voting.election().states()) {
      body.append("<li>").append(esc(t.get("polls.window", state.name(), t.time(state.opens(), state.zone()),
          t.time(voting.closes(state), state.zone())))).append("</li>");
    }
    body.append("</ul><p><a href=\"/receipt?lang=").append(t.language()).append("\">")
        .append(esc(t.get("check.link"))).append("</a></p>");
    return page(t, 1, t.get("signin.heading"), languageLinks(t, "/"), body, null);
  }

  // --- step 2: the ballot --------------------------------------------------------------------------------------

  void postBallot(RoutingContext ctx) {
    var t = FormText.of(ctx);
    var form = ctx.request().formAttributes();
    var token = form.get("token");
    var selections = new LinkedHashMap<String, List<String>>();
    form.names().stream().filter(n -> n.startsWith("c.")).forEach(n -> selections.put(n.substring(2), form.getAll(n)));
    voting.submit(token, selections)
        .onSuccess(receipt -> ctx.response().setStatusCode(303)
            .putHeader(HttpHeaders.LOCATION, "/receipt/" + receipt + "?lang=" + t.language()).end())
        .onFailure(e -> {
          var problem = asProblem(e);
          retryAfter(ctx, problem);
          switch (problem.code()) {
            case "invalid_ballot" -> againWithErrors(ctx, t, token, selections, problem);
            case "too_many_attempts" -> again(ctx, t, token, selections, problem, t.get("ballot.tooMany"));
            case "unavailable" -> again(ctx, t, token, selections, problem, t.get("ballot.notRecorded"));
            case "expired_token" -> signInAgain(ctx, t, problem, t.get("session.expired"));
            case "polls_closed" -> signInAgain(ctx, t, problem, pollsClosedFor(t, token));
            default -> signInAgain(ctx, t, problem, t.get("session.invalid"));
          }
        });
  }

  /** The language switch of the ballot page: the same ballot, for the same session, in the other language. */
  void postBallotLanguage(RoutingContext ctx) {
    var t = FormText.of(ctx);
    var token = ctx.request().getFormAttribute("token");
    try {
      html(ctx, 200, ballotPage(t, token, voting.voterOf(token), Map.of(), Map.of(), null));
    } catch (Problem problem) {
      signInAgain(ctx, t, problem, t.get(problem.code().equals("expired_token") ? "session.expired" : "session.invalid"));
    }
  }

  private void againWithErrors(RoutingContext ctx, FormText t, String token, Map<String, List<String>> selections,
                               Problem problem) {
    var byContest = new LinkedHashMap<String, String>();
    String alert = t.get("ballot.invalid");
    for (var entry : problem.errors()) {
      var error = (JsonObject) entry;
      var code = error.getString("code");
      var contest = error.getString("contest");
      if (code.equals("unknown_contest") || code.equals("contest_not_on_ballot")) {
        alert = t.get("ballot." + code); // a contest the page never offered: the request was not this page's
      } else {
        var max = voting.election().contest(contest).map(Election.Contest::maxChoices).orElse(1);
        byContest.putIfAbsent(contest, t.get("ballot." + code, max));
      }
    }
    again(ctx, t, token, selections, problem, alert, byContest);
  }

  private void again(RoutingContext ctx, FormText t, String token, Map<String, List<String>> selections,
                     Problem problem, String alert) {
    again(ctx, t, token, selections, problem, alert, Map.of());
  }

  private void again(RoutingContext ctx, FormText t, String token, Map<String, List<String>> selections,
                     Problem problem, String alert, Map<String, String> contestErrors) {
    try {
      html(ctx, problem.status(), ballotPage(t, token, voting.voterOf(token), selections, contestErrors, alert));
    } catch (Problem expired) {
      signInAgain(ctx, t, expired, t.get("session.expired"));
    }
  }

  private String pollsClosedFor(FormText t, String token) {
    try {
      return pollsClosed(t, voting.voterOf(token).value());
    } catch (Problem unreadable) {
      return t.get("session.invalid");
    }
  }

  private void signInAgain(RoutingContext ctx, FormText t, Problem problem, String text) {
    var body = new StringBuilder();
    alert(body, text);
    body.append("<p><a href=\"/?lang=").append(t.language()).append("\">").append(esc(t.get("session.signInAgain")))
        .append("</a></p>");
    html(ctx, problem.status(), page(t, 2, t.get("ballot.heading"), languageLinks(t, "/"), body, null));
  }

  private String ballotPage(FormText t, String token, VoterId voter, Map<String, List<String>> selections,
                            Map<String, String> contestErrors, String alert) {
    var election = voting.election();
    var state = election.state(voter.state()).orElseThrow();
    var body = new StringBuilder();
    alert(body, alert);
    body.append("<form method=post action=\"/ballot\"><input type=hidden name=token value=\"").append(esc(token))
        .append("\">").append(hiddenLanguage(t))
        .append("<p>").append(esc(t.get("ballot.for", voter.value(), state.name(), t.time(voting.closes(state), state.zone()))))
        .append("</p><p class=hint>").append(esc(t.get("ballot.undervote"))).append("</p>");
    for (Election.Contest contest : election.ballotFor(voter.state())) {
      var type = contest.maxChoices() == 1 ? "radio" : "checkbox";
      var chosen = selections.getOrDefault(contest.id(), List.of());
      var error = contestErrors.get(contest.id());
      var errorId = "error-" + esc(contest.id());
      body.append("<fieldset").append(error == null ? "" : " class=invalid aria-describedby=\"" + errorId + "\"")
          .append("><legend>").append(esc(contest.title())).append(" <span class=hint>(")
          .append(esc(contest.maxChoices() == 1 ? t.get("ballot.chooseOne") : t.get("ballot.chooseUpTo", contest.maxChoices())))
          .append(")</span></legend>");
      if (error != null) {
        body.append("<p class=field-error id=\"").append(errorId).append("\">").append(esc(error)).append("</p>");
      }
      for (var candidate : contest.candidates()) {
        body.append("<label class=choice><input type=").append(type).append(" name=\"c.").append(esc(contest.id()))
            .append("\" value=\"").append(esc(candidate.id())).append('"')
            .append(chosen.contains(candidate.id()) ? " checked" : "").append("> ").append(esc(candidate.name()))
            .append(" <span class=hint>").append(esc(candidate.party())).append("</span></label>");
      }
      body.append("</fieldset>");
    }
    body.append("<button type=submit>").append(esc(t.get("ballot.submit"))).append("</button></form>");
    var switchLanguage = new StringBuilder("<form method=post action=\"/ballot/language\" class=languages>")
        .append("<input type=hidden name=token value=\"").append(esc(token)).append("\">");
    for (var language : FormText.LANGUAGES) {
      var other = FormText.of(language);
      switchLanguage.append("<button type=submit name=lang value=").append(language).append(" lang=").append(language)
          .append(language.equals(t.language()) ? " aria-pressed=true" : " aria-pressed=false").append('>')
          .append(esc(other.get("language.name"))).append("</button>");
    }
    switchLanguage.append("</form>");
    return page(t, 2, t.get("ballot.heading"), switchLanguage.toString(), body, null);
  }

  // --- step 3: the receipt, and checking one -------------------------------------------------------------------

  void getReceipt(RoutingContext ctx) {
    var t = FormText.of(ctx);
    var receipt = ctx.pathParam("receipt");
    if (!voting.isGenuineReceipt(receipt)) {
      html(ctx, 404, checkPage(t, receipt, t.get("check.unknown")));
      return;
    }
    receipts.status(receipt)
        .onSuccess(status -> html(ctx, 200, receiptPage(t, status)))
        .onFailure(e -> {
          ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
          var body = new StringBuilder();
          alert(body, t.get("receipt.unavailable"));
          html(ctx, 503, page(t, 3, t.get("receipt.heading"), languageLinks(t, "/receipt/" + receipt), body, null));
        });
  }

  /** {@code GET /receipt}: the form; with {@code ?receipt=}, that receipt's page, or the form with what is wrong. */
  void getCheck(RoutingContext ctx) {
    var t = FormText.of(ctx);
    var asked = ctx.request().getParam("receipt");
    if (asked == null) {
      html(ctx, 200, checkPage(t, "", null));
    } else if (trimmed(asked).isEmpty()) {
      html(ctx, 400, checkPage(t, "", t.get("check.missing")));
    } else if (!voting.isGenuineReceipt(trimmed(asked))) {
      html(ctx, 404, checkPage(t, asked, t.get("check.unknown")));
    } else {
      ctx.response().setStatusCode(303)
          .putHeader(HttpHeaders.LOCATION, "/receipt/" + trimmed(asked) + "?lang=" + t.language()).end();
    }
  }

  private String checkPage(FormText t, String receipt, String error) {
    var body = new StringBuilder("<p>").append(esc(t.get("check.intro"))).append("</p>")
        .append("<form method=get action=\"/receipt\">").append(hiddenLanguage(t));
    field(body, "receipt", t.get("check.field"), null, receipt, error, "");
    body.append("<button type=submit>").append(esc(t.get("check.submit"))).append("</button></form>")
        .append("<p><a href=\"/?lang=").append(t.language()).append("\">").append(esc(t.get("start.again")))
        .append("</a></p>");
    return page(t, 0, t.get("check.heading"), languageLinks(t, "/receipt"), body, null);
  }

  private String receiptPage(FormText t, ReceiptStatus status) {
    var paragraph = new StringBuilder("<p id=status role=status class=\"outcome ").append(status.status()).append('"');
    if (!status.isFinal()) {
      // The script says the next status in place; the page carries each outcome's sentence in this language.
      paragraph.append(" data-events=\"").append(esc(ApiHandlers.eventsLink(status.receipt()))).append('"');
      outcomes(t).forEach((key, sentence) -> paragraph.append(" data-").append(key).append("=\"").append(esc(sentence))
          .append('"'));
    }
    paragraph.append('>').append(esc(outcome(t, status.status(), status.reason()))).append("</p>");
    var body = new StringBuilder(paragraph)
        .append("<p>").append(esc(t.get("receipt.number"))).append(": <code>").append(esc(status.receipt()))
        .append("</code></p><p>").append(esc(t.get("receipt.keep"))).append("</p>")
        .append("<p><a href=\"/receipt?lang=").append(t.language()).append("\">").append(esc(t.get("check.link")))
        .append("</a></p>");
    return page(t, 3, t.get("receipt.heading"), languageLinks(t, "/receipt/" + status.receipt()), body,
        status.isFinal() ? null : "/assets/receipt.js");
  }

  private static final List<String> REASONS = List.of("already_voted", "not_on_roll", "revoked", "polls_closed");

  /** The sentence of every status a receipt can reach, keyed as the script looks them up: counted, rejected-revoked … */
  private static Map<String, String> outcomes(FormText t) {
    var texts = new LinkedHashMap<String, String>();
    texts.put("pending", outcome(t, "pending", null));
    texts.put("counted", outcome(t, "counted", null));
    texts.put("rejected", outcome(t, "rejected", null));
    REASONS.forEach(reason -> texts.put("rejected-" + reason, outcome(t, "rejected", reason)));
    return texts;
  }

  private static String outcome(FormText t, String status, String reason) {
    var key = "receipt." + status + (reason == null ? "" : "." + reason);
    return t.get(t.has(key) ? key : "receipt." + status);
  }

  // --- the parts every page shares -----------------------------------------------------------------------------

  /**
   * A labelled text input with its hint and, if any, its error, both tied to it by {@code aria-describedby} so a
   * screen reader reads them with the field.
   */
  private static void field(StringBuilder body, String name, String label, String hint, String value, String error,
                            String extra) {
    var describedBy = new StringBuilder();
    body.append("<div class=\"field").append(error == null ? "" : " invalid").append("\"><label for=").append(name)
        .append('>').append(esc(label)).append("</label>");
    if (hint != null) {
      body.append("<p class=hint id=").append(name).append("-hint>").append(esc(hint)).append("</p>");
      describedBy.append(name).append("-hint");
    }
    if (error != null) {
      body.append("<p class=field-error id=").append(name).append("-error>").append(esc(error)).append("</p>");
      describedBy.append(describedBy.isEmpty() ? "" : " ").append(name).append("-error");
    }
    body.append("<input id=").append(name).append(" name=").append(name).append(" value=\"").append(esc(value))
        .append("\" required autocomplete=off spellcheck=false ").append(extra);
    if (!describedBy.isEmpty()) {
      body.append(" aria-describedby=\"").append(describedBy).append('"');
    }
    body.append(error == null ? "" : " aria-invalid=true").append("></div>");
  }

  private static void alert(StringBuilder body, String text) {
    if (text != null) {
      body.append("<p class=alert role=alert>").append(esc(text)).append("</p>");
    }
  }

  private static String hiddenLanguage(FormText t) {
    return "<input type=hidden name=lang value=" + t.language() + ">";
  }

  /** The language switch of a page anyone may load again: a link to the same page in each language. */
  private static String languageLinks(FormText t, String path) {
    var nav = new StringBuilder("<ul class=languages>");
    for (var language : FormText.LANGUAGES) {
      var name = esc(FormText.of(language).get("language.name"));
      nav.append("<li>").append(language.equals(t.language())
          ? "<a aria-current=true lang=" + language + " href=\"" + esc(path) + "?lang=" + language + "\">" + name + "</a>"
          : "<a lang=" + language + " hreflang=" + language + " href=\"" + esc(path) + "?lang=" + language + "\">" + name
              + "</a>").append("</li>");
    }
    return nav.append("</ul>").toString();
  }

  /**
   * A page: styles from a file and scripts only from files, so the Content-Security-Policy can forbid anything inline.
   * {@code step} 1–3 shows the voter where they are; 0 is a page outside the three steps. A page with a
   * {@code script} follows a status; without JavaScript its {@code noscript} refresh does instead.
   */
  private String page(FormText t, int step, String heading, String languageSwitch, CharSequence body, String script) {
    var title = (step == 0 ? "" : t.get("step.of", step) + ": ") + heading + " – " + voting.election().name();
    var html = new StringBuilder("<!doctype html><html lang=").append(t.language()).append("><head><meta charset=utf-8>")
        .append("<meta name=viewport content=\"width=device-width, initial-scale=1\"><link rel=icon href=\"data:,\">")
        .append("<link rel=stylesheet href=\"/assets/votegate.css\">");
    if (script != null) {
      html.append("<noscript><meta http-equiv=refresh content=2></noscript><script src=\"").append(script)
          .append("\" defer></script>");
    }
    html.append("<title>").append(esc(title)).append("</title></head><body><header><p class=election>")
        .append(esc(voting.election().name())).append("</p><nav aria-label=\"").append(esc(t.get("language.switch")))
        .append("\">").append(languageSwitch).append("</nav></header><main>");
    if (step > 0) {
      html.append("<ol class=steps aria-label=\"").append(esc(t.get("step.progress"))).append("\">");
      for (int i = 1; i <= 3; i++) {
        html.append(i == step ? "<li aria-current=step>" : "<li>").append("<span class=step-number>")
            .append(esc(t.get("step.of", i))).append(": </span>").append(esc(t.get("step." + i))).append("</li>");
      }
      html.append("</ol>");
    }
    return html.append("<h1>").append(esc(heading)).append("</h1>").append(body).append("</main></body></html>")
        .toString();
  }

  private static Problem asProblem(Throwable failure) {
    return failure instanceof Problem p ? p : Problem.unavailable("Please try again shortly.", 5);
  }

  private static void retryAfter(RoutingContext ctx, Problem problem) {
    if (problem.retryAfterSeconds() != null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(problem.retryAfterSeconds()));
    }
  }

  private static String trimmed(String text) {
    return text == null ? "" : text.strip();
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
