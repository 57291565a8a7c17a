package io.votegate.tally;

import io.vertx.core.json.JsonObject;
import io.votegate.model.Election;
import io.votegate.testkit.VoterClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A newsroom whose client stops reading, on a real Kafka broker with the us-2020 counties: while it can still take
 * something it gets conflated deltas (each tick it misses is covered by its next delta), and once it has read nothing
 * for the stall timeout it is dropped, so what it holds on the server is bounded by its write queue. A client that
 * reads meanwhile keeps up and ends with the snapshot's counts.
 */
class SlowClientTest {

  @Test
  void aClientThatStopsReadingGetsConflatedDeltasThenIsDroppedWhileAReaderKeepsUp() throws Exception {
    var start = Instant.now().minus(1, ChronoUnit.HOURS);
    var counties = Election.load("us-2020", start).states().stream()
        .flatMap(s -> s.counties().stream().map(c -> List.of(s.code(), c.fips()))).toList();
    try (var tally = new TestTally("us-2020", start, Map.of("VOTEGATE_SSE_STALL_TIMEOUT", "PT2S"));
         var stalled = new Socket()) {
      var reader = tally.client.events("/api/v1/results/stream?level=county", null, null);
      VoterClient.next(reader, "snapshot");
      stalled.setReceiveBufferSize(1024); // and it never reads
      stalled.connect(new InetSocketAddress("127.0.0.1", tally.port));
      stalled.getOutputStream().write(("GET /api/v1/results/stream?level=county HTTP/1.1\r\nHost: tally\r\n"
          + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

      // Ballots in every county, so that each county-level delta is large, until the tally gives up on it.
      long produced = 0;
      long largestEvent = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (tally.metric("votegate_tally_stream_dropped_total") < 1 && System.nanoTime() < deadline) {
        tally.produce(counties);
        produced += counties.size();
        for (String[] event; (event = reader.poll()) != null; ) {
          largestEvent = Math.max(largestEvent, event[1].length());
        }
        Thread.sleep(100);
      }
      assertEquals(1, tally.metric("votegate_tally_stream_dropped_total"), "the stalled client was dropped");
      assertTrue(tally.metric("votegate_tally_stream_conflated_total") > 0, "its missed ticks were conflated");
      assertTrue(closedByServer(stalled), "its connection is closed");
      System.out.printf("stalled client dropped after %,d ballots; the largest delta was %,d bytes%n", produced,
          largestEvent);

      // The reader kept up: once the count settles, its last delta carries the final sequence.
      long total = produced;
      TestTally.await(() -> tally.sequence() == total);
      JsonObject last = null;
      for (String[] event; (event = reader.poll(2, TimeUnit.SECONDS)) != null; ) {
        last = new JsonObject(event[1]);
      }
      assertNotNull(last);
      assertEquals(total, last.getLong("sequence"));
      assertEquals(1, tally.metric("votegate_tally_stream_clients"), "only the reader is left");
    }
  }

  /** Reads what the server sent until it closes the connection; true if it did within 10 s. */
  private static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    var in = socket.getInputStream();
    var buffer = new byte[65_536];
    try {
      while (in.read(buffer) >= 0) {
        // drain: the server closed after what it had written
      }
      return true;
    } catch (java.net.SocketException reset) {
      return true;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    }
  }
}
