package io.votegate.gateway;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.votegate.model.ReceiptStatus;
import io.votegate.model.RejectedBallot;
import io.votegate.testkit.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The voting form in a real browser (headless Chromium), in English and Spanish: every step passes axe-core's
 * WCAG 2.2 AA rules with zero violations, reflows at 320 px without sideways scrolling, and can be done with the
 * keyboard alone. Screenshots of each step land in {@code target/form-screenshots/}. Skipped, with a notice, where
 * Chromium or axe-core (the npm package, installed here on first use) is not to be had.
 */
class FormInBrowserTest {
  private static final Path AXE_HOME = Path.of("target", "axe");
  private static final Path SHOTS = Path.of("target", "form-screenshots");
  private static final String VOTER = "HI15003-00000031";
  private static final String OTHER_VOTER = "RI44003-00000032";

  private static TestGateway gw;
  private static Browser browser;
  private static String axe;

  @BeforeAll
  static void start() throws Exception {
    var chromium = Browser.installed();
    Assumptions.assumeTrue(chromium.isPresent(),
        "NOTICE: the form's accessibility check needs Chromium (Debian: apt-get install chromium); skipped");
    axe = Browser.axe(AXE_HOME);
    Assumptions.assumeTrue(axe != null,
        "NOTICE: the form's accessibility check needs the npm package " + Browser.AXE + " (npm could not install it); skipped");
    gw = new TestGateway(Map.of());
    browser = new Browser(chromium.get());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void everyStepPassesAxeAtWcag22AaInEnglish() throws Exception {
    walkThroughTheForm("en", VOTER);
  }

  @Test
  void everyStepPassesAxeAtWcag22AaInSpanish() throws Exception {
    walkThroughTheForm("es", OTHER_VOTER);
  }

  @Test
  void aVoterCanSignInWithTheKeyboardAloneAndSeesWhereTheFocusIs() throws Exception {
    var page = browser.newPage();
    page.resize(800, 900);
    page.open(gw.base + "/");
    var reached = new ArrayList<String>();
    for (int i = 0; i < 8; i++) {
      page.pressTab();
      var focused = (String) page.eval("(function(){var e=document.activeElement;"
          + "var o=getComputedStyle(e).outlineStyle; return (e.id||e.tagName.toLowerCase()+':'+e.textContent.trim())"
          + "+ '|' + o;})()");
      if (!focused.startsWith("body:")) { // past the last link the focus leaves the page, then comes round again
        reached.add(focused);
      }
    }
    assertTrue(reached.stream().anyMatch(f -> f.startsWith("voterId|")), reached.toString());
    assertTrue(reached.stream().anyMatch(f -> f.startsWith("code|")), reached.toString());
    assertTrue(reached.stream().anyMatch(f -> f.startsWith("button:Get my ballot|")), reached.toString());
    assertTrue(reached.stream().noneMatch(f -> f.endsWith("|none")), "every focused element shows an outline: " + reached);
  }

  /** Card, a wrong code, ballot, an overvote, receipt, the receipt check: axe on each, at desktop and phone width. */
  private void walkThroughTheForm(String language, String voter) throws Exception {
    var page = browser.newPage();
    var violations = new ArrayList<String>();
    page.resize(1024, 900);
    page.open(gw.base + "/");
    if (language.equals("es")) {
      page.navigating(() -> page.eval("document.querySelector('a[lang=es]').click()")); // the visible switch
    }
    assertEquals(language, page.eval("document.documentElement.lang"));
    check(page, language + "-1-card", violations);

    page.navigating(() -> page.eval("document.getElementById('voterId').value = '" + voter + "';"
        + "document.getElementById('code').value = 'WRONG00000'; document.querySelector('main form button').click()"));
    assertEquals(Boolean.TRUE, page.eval("document.getElementById('code-error') !== null"));
    check(page, language + "-1-card-error", violations);

    page.navigating(() -> page.eval("document.getElementById('code').value = '" + gw.code(voter) + "';"
        + "document.querySelector('main form button').click()"));
    assertEquals(Boolean.TRUE, page.eval("document.querySelector('input[name=token]') !== null"), "the ballot");
    page.navigating(() -> page.eval("document.querySelectorAll('input[name=\"c.council\"]').forEach(c => c.checked = true);"
        + "document.querySelector('input[name=\"c.president\"]').checked = true;"
        + "document.querySelector('main form button').click()"));
    assertEquals(Boolean.TRUE, page.eval("document.getElementById('error-council') !== null"), "the overvote is shown");
    check(page, language + "-2-ballot-error", violations);

    page.navigating(() -> page.eval("document.querySelectorAll('input[name=\"c.council\"]').forEach((c, i) => c.checked = i < 2);"
        + "document.querySelector('main form button').click()"));
    assertEquals(Boolean.TRUE, page.eval("location.pathname.startsWith('/receipt/')"), "the receipt");
    check(page, language + "-3-receipt", violations);
    var receipt = (String) page.eval("document.querySelector('code').textContent");
    decideInPlace(page, language.equals("en")
        ? ReceiptStatus.counted(receipt, Instant.now())
        : ReceiptStatus.rejected(receipt, RejectedBallot.Reason.ALREADY_VOTED, Instant.now()));
    check(page, language + "-3-receipt-decided", violations);

    page.open(gw.base + "/receipt?lang=" + language + "&receipt=" + receipt.substring(0, receipt.length() - 1)
        + (receipt.endsWith("A") ? "B" : "A"));
    check(page, language + "-check-receipt-error", violations);

    // The ballot as first shown, unmarked: back to a fresh session for it.
    page.open(gw.base + "/?lang=" + language);
    page.navigating(() -> page.eval("document.getElementById('voterId').value = '" + voter + "';"
        + "document.getElementById('code').value = '" + gw.code(voter) + "'; document.querySelector('main form button').click()"));
    check(page, language + "-2-ballot", violations);
    assertEquals(List.of(), violations);
  }

  /**
   * The ballot-server's side of a decision, as it does it (the status in Redis, then a notice on the channel): the
   * open receipt page must say it in place, in its own language, through its script and the receipt's stream.
   */
  private void decideInPlace(Browser.Page page, ReceiptStatus decision) throws Exception {
    var redis = Redis.createClient(gw.vertx, gw.infra.redisUri());
    try {
      var json = decision.toJson().encode(); // as the ballot-server writes it: one SET, and the notice of it
      redis.send(Request.cmd(Command.SET).arg(ReceiptStatus.redisKey(decision.receipt())).arg(json))
          .compose(ok -> redis.send(Request.cmd(Command.PUBLISH).arg(ReceiptStatus.CHANNEL)
              .arg(ReceiptStatus.noticeOf(List.of(json)))))
          .await(10, TimeUnit.SECONDS);
    } finally {
      redis.close();
    }
    var url = page.eval("location.href");
    var expected = page.eval("document.getElementById('status').getAttribute('data-" + decision.status()
        + (decision.reason() == null ? "" : "-" + decision.reason()) + "')");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!expected.equals(page.eval("document.getElementById('status').textContent")) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(expected, page.eval("document.getElementById('status').textContent"), "said in place");
    assertEquals("outcome " + decision.status(), page.eval("document.getElementById('status').className"));
    assertEquals(url, page.eval("location.href"), "without a reload");
  }

  /** axe-core's WCAG 2.0–2.2 A and AA rules, at a desktop width and at 320 px; the screenshots of both. */
  private void check(Browser.Page page, String name, List<String> violations) throws Exception {
    for (int width : new int[] {1024, 320}) {
      page.resize(width, width == 320 ? 640 : 900);
      Browser.axeViolations(page, axe).forEach(v -> violations.add(name + " at " + width + " px: " + v));
      var overflow = (Integer) page.eval("document.documentElement.scrollWidth - document.documentElement.clientWidth");
      if (overflow > 0) {
        violations.add(name + " at " + width + " px scrolls sideways by " + overflow + " px");
      }
      page.screenshot(SHOTS.resolve(name + (width == 320 ? "-phone" : "") + ".png"));
    }
  }
}
