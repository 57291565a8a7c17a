package io.votegate.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.*;

class CredentialsTest {
  private static final Keys KEYS = Keys.fromBase64(Keys.generate(), Keys.generate(), Keys.generate());
  private static final Instant NOW = Instant.parse("2026-11-03T12:00:00Z");
  private static final VoterId VOTER = VoterId.parse("DE10001-00000042").orElseThrow();

  private final SessionTokens tokens = new SessionTokens(KEYS.token());
  private final Receipts receipts = new Receipts(KEYS.receipt());
  private final VoterCodes codes = new VoterCodes(KEYS.roll());

  @Test
  void aTokenOpensToTheVoterItWasIssuedFor() throws Exception {
    var token = tokens.issue("demo", VOTER, NOW, Duration.ofMinutes(30));
    var session = tokens.open(token, "demo", NOW.plusSeconds(60));
    assertEquals(VOTER, session.voter());
    assertEquals(NOW.plus(Duration.ofMinutes(30)), session.expiresAt());
  }

  @Test
  void everyBitFlippedTokenIsRefusedAsInvalid() {
    var token = tokens.issue("demo", VOTER, NOW, Duration.ofMinutes(30));
    var bytes = Base64.getUrlDecoder().decode(token);
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      var forged = bytes.clone();
      forged[bit / 8] ^= (byte) (1 << (bit % 8));
      var text = Base64.getUrlEncoder().withoutPadding().encodeToString(forged);
      var e = assertThrows(SessionTokens.TokenException.class, () -> tokens.open(text, "demo", NOW));
      assertFalse(e.expired());
    }
  }

  @Test
  void aTokenOfAnotherElectionOrAnotherKeyIsRefused() {
    var token = tokens.issue("other", VOTER, NOW, Duration.ofMinutes(30));
    assertThrows(SessionTokens.TokenException.class, () -> tokens.open(token, "demo", NOW));
    // An election whose ID starts with, or is the start of, the expected one is another election.
    for (var near : new String[] {"demo2", "dem", "demo\n"}) {
      var nearToken = tokens.issue(near, VOTER, NOW, Duration.ofMinutes(30));
      assertThrows(SessionTokens.TokenException.class, () -> tokens.open(nearToken, "demo", NOW), near);
    }
    var foreign = new SessionTokens(Keys.fromBase64(Keys.generate(), Keys.generate(), Keys.generate()).token())
        .issue("demo", VOTER, NOW, Duration.ofMinutes(30));
    assertThrows(SessionTokens.TokenException.class, () -> tokens.open(foreign, "demo", NOW));
  }

  @Test
  void anExpiredTokenIsRefusedAsExpired() {
    var token = tokens.issue("demo", VOTER, NOW, Duration.ofMinutes(30));
    var e = assertThrows(SessionTokens.TokenException.class,
        () -> tokens.open(token, "demo", NOW.plus(Duration.ofMinutes(30))));
    assertTrue(e.expired());
  }

  @Test
  void malformedTokensAreRefused() {
    for (var text : new String[] {"", "abc", "!!!!", "a=b", "x".repeat(5000)}) {
      assertThrows(SessionTokens.TokenException.class, () -> tokens.open(text, "demo", NOW));
    }
  }

  @Test
  void aSessionAlwaysGetsTheSameGenuineReceipt() throws Exception {
    var token = tokens.issue("demo", VOTER, NOW, Duration.ofMinutes(30));
    var first = receipts.forSession(tokens.open(token, "demo", NOW));
    var again = receipts.forSession(tokens.open(token, "demo", NOW));
    assertEquals(first, again);
    assertTrue(receipts.isGenuine(first));
    var other = receipts.forSession(tokens.open(tokens.issue("demo", VOTER, NOW, Duration.ofMinutes(5)), "demo", NOW));
    assertNotEquals(first, other);
  }

  @Test
  void forgedOrMalformedReceiptsAreNotGenuine() {
    var session = new SessionTokens.Session("demo", VOTER, NOW, new byte[12]);
    var receipt = receipts.forSession(session);
    var chars = receipt.toCharArray();
    chars[3] = chars[3] == 'A' ? 'B' : 'A';
    assertFalse(receipts.isGenuine(new String(chars)));
    assertFalse(receipts.isGenuine("not-a-receipt"));
    assertFalse(receipts.isGenuine(""));
    assertFalse(receipts.isGenuine(null));
    assertFalse(new Receipts(Keys.fromBase64(Keys.generate(), Keys.generate(), Keys.generate()).receipt())
        .isGenuine(receipt));
  }

  @Test
  void aVoterCodeMatchesOnlyItsVoterAndElection() {
    var code = codes.codeFor("demo", VOTER.value());
    assertEquals(VoterCodes.LENGTH, code.length());
    assertTrue(codes.matches("demo", VOTER.value(), code));
    assertTrue(codes.matches("demo", VOTER.value(), code.toLowerCase().substring(0, 5) + "-" + code.substring(5)));
    assertFalse(codes.matches("demo", "DE10001-00000043", code));
    assertFalse(codes.matches("us-2020", VOTER.value(), code));
    assertFalse(codes.matches("demo", VOTER.value(), null));
    assertFalse(codes.matches("demo", VOTER.value(), "0000000000"));
  }

  @Test
  void voterIdsCarryStateAndCounty() {
    assertEquals("DE", VOTER.state());
    assertEquals("10001", VOTER.county());
    assertTrue(VoterId.parse("de10001-00000042").isEmpty());
    assertTrue(VoterId.parse("DE10001-42").isEmpty());
    assertEquals(new VoterId("CA06037-00012345", "CA", "06037", 12345), VoterId.parse("CA06037-00012345").orElseThrow());
    assertEquals(99999999, VoterId.parse("ZZ99999-99999999").orElseThrow().serial());
    for (var wrong : new String[] {"DE10001000000042", "DE1000100000042-", "DE10001-0000004-", "D110001-00000042",
        "DE1000A-00000042", "DE10001-0000004A", "DE10001-+0000042", "ÄE10001-00000042", "DE1000١-00000042",
        "DE10001-00000042 ", " DE10001-00000042", "DE10001—00000042"}) {
      assertTrue(VoterId.parse(wrong).isEmpty(), wrong);
    }
    assertEquals("CA06037-00012345", VoterId.of("CA", "06037", 12345).value());
  }
}
