package io.votegate.tally;

import io.votegate.model.Election;
import io.votegate.testkit.Browser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The live results page in a real browser (headless Chromium), on us-2020 with ballots counted: a tile for each of
 * the 51 states and DC in the usual tile grid, coloured by leader with text that says it too, a state's counties on
 * selecting it, and zero violations of axe-core's WCAG 2.2 AA rules at desktop and phone width. Skipped, with a
 * notice, where Chromium or axe-core is not to be had (see FormInBrowserTest).
 */
class ResultsPageInBrowserTest {

  @Test
  void theTileMapShowsEveryStateItsLeaderAndCountiesAndPassesAxe() throws Exception {
    var chromium = Browser.installed();
    Assumptions.assumeTrue(chromium.isPresent(), "NOTICE: the results page's browser check needs Chromium; skipped");
    var axe = Browser.axe(Path.of("target", "axe"));
    Assumptions.assumeTrue(axe != null, "NOTICE: the results page's check needs the npm package " + Browser.AXE + "; skipped");
    var start = Instant.now().minus(1, ChronoUnit.HOURS);
    var counties = Election.load("us-2020", start).states().stream()
        .map(s -> List.of(s.code(), s.counties().get(0).fips())).toList();
    try (var tally = new TestTally("us-2020", start, Map.of()); var browser = new Browser(chromium.get())) {
      tally.produce(counties);
      TestTally.await(() -> tally.sequence() == counties.size());
      var page = browser.newPage();
      var violations = new ArrayList<String>();
      for (int width : new int[] {1100, 360}) {
        page.resize(width, 900);
        page.open("http://127.0.0.1:" + tally.port + "/results");
        awaitTrue(page, "document.querySelectorAll('.tile').length === 51");
        assertEquals("CA: Joseph R. Biden Jr. (Democratic) leads with 100.0%, 0% reporting. Show counties.",
            page.eval("document.querySelector('.tile[aria-label^=\"CA\"]').getAttribute('aria-label')"));
        assertTrue(((String) page.eval("document.getElementById('status').textContent")).startsWith("REHEARSAL"));
        assertEquals(0, ((Number) page.eval("document.documentElement.scrollWidth - document.documentElement.clientWidth"))
            .intValue(), "no sideways scrolling at " + width + " px");
        Browser.axeViolations(page, axe).forEach(v -> violations.add(width + " px: " + v));
        page.screenshot(Path.of("target", "results-page-" + width + ".png"));
      }
      page.eval("document.querySelector('.tile[aria-label^=\"HI\"]').click()");
      awaitTrue(page, "[...document.querySelectorAll('caption')].some(c => c.textContent === 'HI by county')");
      assertEquals("true", page.eval("document.querySelector('.tile[aria-label^=\"HI\"]').getAttribute('aria-expanded')"));
      Browser.axeViolations(page, axe).forEach(v -> violations.add("Hawaii's counties: " + v));
      assertEquals(List.of(), violations);
    }
  }

  private static void awaitTrue(Browser.Page page, String condition) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Boolean.TRUE.equals(page.eval(condition))) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + condition);
      Thread.sleep(100);
    }
  }
}
