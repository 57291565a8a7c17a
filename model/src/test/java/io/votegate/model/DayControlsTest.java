package io.votegate.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

/** Operators' commands: only the operator's key signs them, and each ballot is judged by the window in force then. */
class DayControlsTest {
  private static final Instant START = Instant.parse("2026-11-03T12:00:00Z");
  private final Election.State delaware = Election.load("demo", START).state("DE").orElseThrow(); // open for 24 h

  @Test
  void aCommandVerifiesOnlyWithTheOperatorsKeyAndOnlyAsSigned() {
    var operator = ControlCommand.newKeyPair();
    var other = ControlCommand.newKeyPair();
    var command = ControlCommand.polls(ControlCommand.EXTEND, "DE", START.plus(Duration.ofDays(2)), START)
        .signedWith(ControlCommand.privateKey(operator[0]));
    var operatorKey = ControlCommand.publicKey(operator[1]);
    assertTrue(command.verifies(operatorKey));
    assertTrue(ControlCommand.fromJson(command.toJson()).verifies(operatorKey), "the same after the topic");
    assertFalse(command.verifies(ControlCommand.publicKey(other[1])), "another key");
    var altered = new ControlCommand(command.id(), command.kind(), "RI", command.until(), null, command.issuedAt(),
        command.signature());
    assertFalse(altered.verifies(operatorKey), "another state under the same signature");
    assertFalse(ControlCommand.polls(ControlCommand.CLOSE, "DE", START, START).verifies(operatorKey), "unsigned");
    assertThrows(IllegalArgumentException.class, () -> ControlCommand.publicKey("bm90IGEga2V5"));
  }

  @Test
  void aBallotIsJudgedByTheWindowInForceWhenItWasAccepted() {
    var controls = new DayControls();
    var closeAt = START.plus(Duration.ofHours(2));
    controls.apply(ControlCommand.polls(ControlCommand.CLOSE, "DE", closeAt, closeAt));
    var extendAt = START.plus(Duration.ofHours(3));
    var until = START.plus(Duration.ofHours(30));
    controls.apply(ControlCommand.polls(ControlCommand.EXTEND, "DE", until, extendAt));

    assertTrue(controls.pollsOpenAt(delaware, START.plus(Duration.ofHours(1))), "before any command");
    assertFalse(controls.pollsOpenAt(delaware, closeAt.plusSeconds(1)), "after the early close");
    assertTrue(controls.pollsOpenAt(delaware, extendAt.plusSeconds(1)), "during the extension");
    assertTrue(controls.pollsOpenAt(delaware, START.plus(Duration.ofHours(29))), "past the definition's close");
    assertFalse(controls.pollsOpenAt(delaware, until), "after the extension");
    assertTrue(controls.pollsClosedAt(delaware, until));
    assertEquals(delaware.closes(), controls.closes(delaware, START), "the definition's, before the commands");
    assertFalse(controls.changed("RI"));
  }
}
