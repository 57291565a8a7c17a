package io.votegate.gateway;

import io.vertx.ext.web.RoutingContext;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * The voting form's interface texts in one language, from the resource bundles {@code i18n/form*.properties}. The
 * language is the one the voter chose with the page's switch ({@code lang}), else the best match of the browser's
 * {@code Accept-Language}, else English. Election texts (contests, candidates, states) come from the definition.
 */
final class FormText {
  static final List<String> LANGUAGES = List.of("en", "es");
  private static final Map<String, FormText> BY_LANGUAGE = Map.of("en", new FormText("en"), "es", new FormText("es"));

  private final String language;
  private final Locale locale;
  private final ResourceBundle bundle;
  private final DateTimeFormatter time;

  private FormText(String language) {
    this.language = language;
    this.locale = Locale.forLanguageTag(language);
    // No fallback to the JVM's default locale: a server in Madrid must not answer English voters in Spanish.
    this.bundle = ResourceBundle.getBundle("i18n.form", locale,
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    this.time = DateTimeFormatter.ofPattern(bundle.getString("time.pattern"), locale);
  }

  static FormText of(String language) {
    return BY_LANGUAGE.getOrDefault(language, BY_LANGUAGE.get("en"));
  }

  /** The request's language: an explicit choice ({@code lang} in the query or the form) wins over the browser's. */
  static FormText of(RoutingContext ctx) {
    var chosen = ctx.request().getParam("lang");
    if (chosen != null && BY_LANGUAGE.containsKey(chosen)) {
      return BY_LANGUAGE.get(chosen);
    }
    var accepted = ctx.request().getHeader("Accept-Language");
    if (accepted != null) {
      try {
        var best = Locale.lookupTag(Locale.LanguageRange.parse(accepted), LANGUAGES);
        if (best != null) {
          return BY_LANGUAGE.get(best);
        }
      } catch (IllegalArgumentException unreadable) {
        // a malformed header is the same as none
      }
    }
    return BY_LANGUAGE.get("en");
  }

  String language() {
    return language;
  }

  String get(String key, Object... args) {
    return new MessageFormat(bundle.getString(key), locale).format(args);
  }

  boolean has(String key) {
    return bundle.containsKey(key);
  }

  /** An instant as the voters of {@code zone} read their clocks, in this language: "Tuesday, November 3, 7:00 AM EST". */
  String time(Instant instant, ZoneId zone) {
    return time.withZone(zone).format(instant);
  }
}
