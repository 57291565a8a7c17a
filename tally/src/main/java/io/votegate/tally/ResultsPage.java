package io.votegate.tally;

import io.votegate.model.Election;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The live results page: static HTML whose script follows the results stream (snapshot, then deltas). */
final class ResultsPage {
  private static final String TEMPLATE = load();

  private ResultsPage() {}

  static String html(Election election) {
    return TEMPLATE.replace("{{title}}", election.name().replace("&", "&amp;").replace("<", "&lt;"));
  }

  private static String load() {
    try (InputStream in = ResultsPage.class.getResourceAsStream("/web/results.html")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
