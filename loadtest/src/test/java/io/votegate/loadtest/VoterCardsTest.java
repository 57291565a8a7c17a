package io.votegate.loadtest;

import io.votegate.model.Election;
import io.votegate.model.VoterCard;
import io.votegate.model.VoterCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.*;

class VoterCardsTest {
  @TempDir
  Path dir;

  @Test
  void everyCardIsReadOnceWithTheStatesTakingTurnsByRollSize() throws Exception {
    var election = Election.load("demo", Instant.now());
    var file = dir.resolve("cards.csv");
    var codes = new VoterCodes(new byte[32]);
    var lines = new ArrayList<String>();
    lines.add(VoterCard.CSV_HEADER);
    VoterCard.roll(election, codes).forEach(c -> lines.add(c.csv()));
    Files.write(file, lines);

    var seen = new HashSet<String>();
    var firstThousand = new HashMap<String, Integer>();
    try (var cards = VoterCards.open(file)) {
      assertEquals(election.voters(), cards.total());
      while (cards.hasNext()) {
        var card = cards.next();
        assertTrue(seen.add(card.voterId()), "read once: " + card.voterId());
        assertEquals(codes.codeFor("demo", card.voterId()), card.code());
        if (seen.size() <= 1_000) {
          firstThousand.merge(card.state(), 1, Integer::sum);
        }
      }
    }
    assertEquals(election.voters(), seen.size());
    // Delaware has 3,160 of the 10,000 voters: about 316 of the first thousand cards, not 1,000 or 0.
    assertTrue(Math.abs(firstThousand.get("DE") - 316) <= 2, "Delaware's share: " + firstThousand);
    assertTrue(Math.abs(firstThousand.get("HI") - 360) <= 2, "Hawaii's share: " + firstThousand);
  }

  @Test
  void aFileThatIsNotACardsCsvIsRefusedByName() throws Exception {
    var file = dir.resolve("cards.csv");
    Files.writeString(file, "id,name\n1,x\n");
    var error = assertThrows(IllegalArgumentException.class, () -> VoterCards.open(file));
    assertTrue(error.getMessage().contains("not a cards CSV"), error.getMessage());
  }
}
