package io.votegate.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.votegate.model.SessionTokens;
import io.votegate.model.VoterId;
import io.votegate.testkit.VoterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The voting form over plain HTTP, as a browser without JavaScript uses it, on a real Kafka and Redis: three steps,
 * errors next to what they concern, a page to check a receipt, in English and in Spanish.
 */
class VotingFormTest {
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String VOTER_RI = "RI44007-00000011";
  private static final String VOTER_HI = "HI15001-00000021";

  private static TestGateway gw;
  private static VoterClient client;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new TestGateway(Map.of());
    client = gw.client;
  }

  @AfterAll
  static void stopGateway() throws Exception {
    gw.close();
  }

  @Test
  void aVoterGoesFromCardToBallotToReceiptWithoutJavaScript() throws Exception {
    var signIn = client.get("/");
    assertEquals(200, signIn.statusCode());
    assertTrue(signIn.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
    assertTrue(signIn.body().contains("<form method=post action=\"/vote\">"));
    assertTrue(signIn.body().contains("<li aria-current=step><span class=step-number>Step 1 of 3: </span>Your voter card"));
    assertFalse(signIn.body().contains("<script"));

    var ballot = post("/vote", "voterId=" + VOTER_RI + "&code=" + gw.code(VOTER_RI));
    assertEquals(200, ballot.statusCode());
    assertTrue(ballot.body().contains("<li aria-current=step><span class=step-number>Step 2 of 3: </span>Your ballot"));
    assertTrue(ballot.body().contains("name=\"c.council\" value=\"ahn\""));
    assertTrue(ballot.body().contains("(choose up to 2)"), "the rule of each contest is said in words");
    var token = tokenOf(ballot);

    var cast = post("/ballot", "token=" + token + "&lang=en&c.president=dem&c.council=ahn&c.council=santos");
    assertEquals(303, cast.statusCode(), cast.body());
    var location = cast.headers().firstValue("location").orElseThrow();
    assertTrue(location.matches("/receipt/[A-Za-z0-9_-]+\\?lang=en"), location);
    var receipt = client.get(location);
    assertEquals(200, receipt.statusCode());
    assertTrue(receipt.body().contains("<li aria-current=step><span class=step-number>Step 3 of 3: </span>Your receipt"));
    assertTrue(receipt.body().contains("waiting to be counted"));
    assertTrue(receipt.body().contains("<noscript><meta http-equiv=refresh"), "without JavaScript it refreshes itself");
    assertTrue(receipt.body().contains("data-events=\"/api/v1/receipts/"), "with it, it follows the receipt's stream");
    assertTrue(receipt.body().contains("data-rejected-already_voted=\"Your ballot was not counted: a ballot"));
    assertTrue(receipt.body().contains("<script src=\"/assets/receipt.js\" defer></script>"));
    var published = gw.ballotsOnTopic();
    var last = new JsonObject(published.get(published.size() - 1).value());
    assertEquals(location.replaceAll("/receipt/([^?]+).*", "$1"), last.getString("receipt"));
    assertTrue(receipt.body().contains("<code>" + last.getString("receipt") + "</code>"), "the receipt number is shown");
    assertEquals(new JsonArray().add("ahn").add("santos"), last.getJsonObject("selections").getJsonArray("council"));
  }

  @Test
  void aMissingFieldIsNamedNextToItAndTheVoterIdTypedIsKept() throws Exception {
    var page = post("/vote", "voterId=" + VOTER_RI + "&code=");
    assertEquals(400, page.statusCode());
    assertTrue(page.body().contains("<p class=field-error id=code-error>Enter the code printed on your voter card.</p>"),
        page.body());
    assertTrue(page.body().contains("<input id=code name=code value=\"\" required autocomplete=off spellcheck=false "
        + "autocapitalize=characters aria-describedby=\"code-hint code-error\" aria-invalid=true>"), page.body());
    assertTrue(page.body().contains("<input id=voterId name=voterId value=\"" + VOTER_RI + "\""), "kept as typed");
    assertFalse(page.body().contains("voterId-error"), "only the missing field is marked");

    var neither = post("/vote", "voterId=&code=");
    assertTrue(neither.body().contains("id=voterId-error>Enter the voter ID"));
    assertTrue(neither.body().contains("id=code-error>Enter the code"));
  }

  @Test
  void aWrongCodeIsExplainedNextToTheCodeWithoutSayingWhetherTheVoterExists() throws Exception {
    var wrong = post("/vote", "voterId=" + VOTER_RI + "&code=WRONG00000");
    var unknown = post("/vote", "voterId=RI44007-99999999&code=WRONG00000");
    assertEquals(401, wrong.statusCode());
    assertEquals(401, unknown.statusCode());
    assertTrue(wrong.body().contains("<p class=field-error id=code-error>This voter ID and code do not match."));
    assertEquals(wrong.body().replace(VOTER_RI, "X"), unknown.body().replace("RI44007-99999999", "X"));
  }

  @Test
  void anOvervoteIsShownInItsContestAndTheVotersChoicesAreKept() throws Exception {
    var token = tokenOf(post("/vote", "voterId=" + VOTER_HI + "&code=" + gw.code(VOTER_HI)));
    long before = gw.publishedCount();
    var page = post("/ballot", "token=" + token + "&c.president=dem&c.council=ahn&c.council=santos&c.council=moreau");
    assertEquals(400, page.statusCode());
    assertTrue(page.body().contains("<p class=alert role=alert>Your ballot was not cast."), page.body());
    assertTrue(page.body().contains("<fieldset class=invalid aria-describedby=\"error-council\"><legend>"), page.body());
    assertTrue(page.body().contains("id=\"error-council\">You chose more candidates than allowed here. Choose at most 2."));
    assertTrue(page.body().contains("name=\"c.president\" value=\"dem\" checked>"), "the choices stay as marked");
    assertTrue(page.body().contains("name=\"c.council\" value=\"moreau\" checked>"));
    assertTrue(page.body().contains("name=token value=\"" + token + "\""), "the voter can correct and cast again");
    assertEquals(before, gw.publishedCount(), "nothing was published");
  }

  @Test
  void aSessionThatEndedSendsTheVoterBackToSignInAndRecordsNothing() throws Exception {
    var voter = VoterId.parse(VOTER_RI).orElseThrow();
    var expired = new SessionTokens(gw.keys.token()).issue("demo", voter, Instant.now().minus(Duration.ofHours(2)),
        Duration.ofMinutes(30));
    long before = gw.publishedCount();
    var page = post("/ballot", "token=" + expired + "&c.president=dem");
    assertEquals(401, page.statusCode());
    assertTrue(page.body().contains("Your session has ended, so your ballot was not recorded."));
    assertTrue(page.body().contains("<a href=\"/?lang=en\">Sign in again</a>"));
    assertEquals(401, post("/ballot", "token=forged&c.president=dem").statusCode());
    assertEquals(before, gw.publishedCount());
  }

  @Test
  void theFormSpeaksSpanishWhenTheBrowserPrefersItAndTheSwitchOverridesTheBrowser() throws Exception {
    var spanish = client.send("GET", "/", null, null, null, "Accept-Language", "es-MX,es;q=0.9,en;q=0.5");
    assertTrue(spanish.body().startsWith("<!doctype html><html lang=es>"), spanish.body());
    assertTrue(spanish.body().contains("<h1>Identifíquese para votar</h1>"));
    assertTrue(spanish.body().contains("<label for=voterId>Número de votante</label>"));
    assertTrue(spanish.body().contains("<a lang=en hreflang=en href=\"/?lang=en\">English</a>"), "a visible switch");
    assertTrue(spanish.body().contains("<input type=hidden name=lang value=es>"), "the choice travels with the form");
    var english = client.send("GET", "/?lang=en", null, null, null, "Accept-Language", "es");
    assertTrue(english.body().contains("<h1>Sign in to vote</h1>"));
    assertTrue(client.send("GET", "/", null, null, null, "Accept-Language", "fr-FR, de;q=0.5").body()
        .contains("<html lang=en>"), "a language we do not have gets English");
    assertTrue(client.send("GET", "/", null, null, null, "Accept-Language", ";;;q=x").body().contains("<html lang=en>"));

    var wrong = post("/vote", "voterId=" + VOTER_RI + "&code=WRONG00000&lang=es");
    assertTrue(wrong.body().contains("El número de votante y el código no coinciden."), wrong.body());
  }

  @Test
  void theBallotPagesSwitchShowsTheSameBallotInTheOtherLanguageAndTheReceiptStaysInIt() throws Exception {
    var ballot = post("/vote", "voterId=" + VOTER_RI + "&code=" + gw.code(VOTER_RI));
    var token = tokenOf(ballot);
    assertTrue(ballot.body().contains("<form method=post action=\"/ballot/language\" class=languages>"));
    var spanish = post("/ballot/language", "token=" + token + "&lang=es");
    assertEquals(200, spanish.statusCode());
    assertTrue(spanish.body().contains("<h1>Marque su boleta</h1>"));
    assertTrue(spanish.body().contains("(elija hasta 2)"));
    assertEquals(token, tokenOf(spanish));
    var cast = post("/ballot", "token=" + token + "&lang=es&c.president=rep");
    var location = cast.headers().firstValue("location").orElseThrow();
    assertTrue(location.endsWith("?lang=es"), location);
    var receipt = client.get(location).body();
    assertTrue(receipt.contains("Su boleta está en la urna y espera a ser contada."), receipt);
    assertTrue(receipt.contains("data-counted=\"Su voto ha sido contado.\""));
    assertEquals(401, post("/ballot/language", "token=forged&lang=es").statusCode());
  }

  @Test
  void aReceiptIsCheckedByItsNumberAndAForgedOneIsExplainedNextToTheField() throws Exception {
    var check = client.get("/receipt");
    assertEquals(200, check.statusCode());
    assertTrue(check.body().contains("<form method=get action=\"/receipt\">"));
    assertTrue(check.body().contains("<label for=receipt>Receipt number</label>"));

    var receipt = new JsonObject(client.postJson("/api/v1/ballots", gw.token(VOTER_RI),
        "{\"selections\":{\"president\":[\"other\"]}}").body()).getString("receipt");
    var found = client.get("/receipt?receipt=" + URLEncoder.encode(" " + receipt + " ", StandardCharsets.UTF_8));
    assertEquals(303, found.statusCode());
    assertEquals("/receipt/" + receipt + "?lang=en", found.headers().firstValue("location").orElseThrow());

    var forged = client.get("/receipt?receipt=" + receipt.substring(0, receipt.length() - 2) + "AA");
    assertEquals(404, forged.statusCode());
    assertTrue(forged.body().contains("<p class=field-error id=receipt-error>We did not issue this receipt number."));
    assertEquals(400, client.get("/receipt?receipt=").statusCode());
    var path = client.get("/receipt/not-a-receipt?lang=es");
    assertEquals(404, path.statusCode());
    assertTrue(path.body().contains("No emitimos este número de comprobante."));
  }

  @Test
  void pollHoursAreShownInEachStatesOwnTimeZoneAndTheVotersLanguage() throws Exception {
    var page = client.get("/").body();
    assertTrue(page.matches("(?s).*<li>Delaware: \\w+day, \\w+ \\d+, \\d+:\\d\\d [AP]M E[SD]T to .*"), page);
    assertTrue(page.matches("(?s).*<li>Hawaii: \\w+day, \\w+ \\d+, \\d+:\\d\\d [AP]M HST to .*"), page);
    assertFalse(page.contains("Z U"), "no date pattern's letters printed as text");
    var spanish = client.get("/?lang=es").body();
    assertTrue(spanish.matches("(?s).*<li>Hawaii: de (lunes|martes|miércoles|jueves|viernes|sábado|domingo) \\d+ de "
        + "\\p{L}+, \\d+:\\d\\d HST a .*"), spanish);
  }

  private static HttpResponse<String> post(String path, String form) throws Exception {
    return client.send("POST", path, null, FORM, form);
  }

  private static String tokenOf(HttpResponse<String> ballotPage) {
    return ballotPage.body().replaceAll("(?s).*name=token value=\"([^\"]+)\".*", "$1");
  }
}
