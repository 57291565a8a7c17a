package io.votegate.platform;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The shipped logback.xml: text lines for people by default, JSON lines with correlation fields for a pipeline. */
class LogFormatTest {
  private final PrintStream err = System.err;

  @AfterEach
  void restore() throws Exception {
    System.setErr(err);
    System.clearProperty("VOTEGATE_LOG_FORMAT");
    configure();
  }

  @Test
  void jsonLogsAreOneObjectALineWithTheMessageLevelAndCorrelationField() throws Exception {
    System.setProperty("VOTEGATE_LOG_FORMAT", "json");
    var lines = logged();
    var json = new JsonObject(lines.strip().lines().reduce((a, b) -> b).orElseThrow());
    assertEquals("WARN", json.getString("level"));
    assertEquals("batch of 3 failed: boom", json.getString("formattedMessage"));
    assertEquals("ballots-1@5+3", json.getJsonObject("mdc").getString("batch"));
    assertEquals("java.lang.IllegalStateException", json.getJsonObject("throwable").getString("className"));
    assertNotNull(json.getLong("timestamp"));
  }

  @Test
  void textLogsAreTheDefault() throws Exception {
    var lines = logged();
    assertTrue(lines.matches("(?s).*\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[.*\\] .* - batch of 3 failed: boom.*"), lines);
  }

  private static String logged() throws Exception {
    configure();
    var out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    MDC.put("batch", "ballots-1@5+3");
    try {
      LoggerFactory.getLogger("io.votegate.test").warn("batch of {} failed: {}", 3, "boom",
          new IllegalStateException("boom"));
    } finally {
      MDC.remove("batch");
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void configure() throws Exception {
    var context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    var configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
  }
}
