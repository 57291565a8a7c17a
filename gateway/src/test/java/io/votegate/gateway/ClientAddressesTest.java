package io.votegate.gateway;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Which address a request is counted against: only our own proxies may speak for a client. */
class ClientAddressesTest {
  private final ClientAddresses behindProxies = new ClientAddresses(List.of("10.0.0.0/8", "192.168.1.5"));

  @Test
  void aClientWithoutAProxyIsItsSocketAddressWhateverItsHeaderClaims() {
    assertEquals("203.0.113.9", behindProxies.of("203.0.113.9", null));
    assertEquals("203.0.113.9", behindProxies.of("203.0.113.9", "198.51.100.1"));
  }

  @Test
  void aTrustedProxySpeaksForTheAddressItAppended() {
    assertEquals("198.51.100.1", behindProxies.of("10.1.2.3", "198.51.100.1"));
    assertEquals("198.51.100.1", behindProxies.of("192.168.1.5", "198.51.100.1"));
  }

  @Test
  void whatTheClientWroteIntoTheHeaderIsNotBelieved() {
    // The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the address it saw.
    assertEquals("198.51.100.1", behindProxies.of("10.1.2.3", "1.2.3.4, 198.51.100.1"));
  }

  @Test
  void aChainOfTrustedProxiesIsWalkedFromTheRight() {
    assertEquals("198.51.100.1", behindProxies.of("10.1.2.3", "7.7.7.7, 198.51.100.1, 10.9.9.9, 192.168.1.5"));
  }

  @Test
  void garbageInTheHeaderLeavesTheLastBelievedAddress() {
    assertEquals("10.1.2.3", behindProxies.of("10.1.2.3", "not-an-address"));
    assertEquals("10.1.2.3", behindProxies.of("10.1.2.3", "example.com")); // never a DNS lookup
  }

  @Test
  void anIpv6ClientIsCountedByItsSlash64() {
    assertEquals(new ClientAddresses(List.of()).of("2001:db8:1:2:aaaa::1", null),
        new ClientAddresses(List.of()).of("2001:db8:1:2:bbbb::9", null));
    assertNotEquals(new ClientAddresses(List.of()).of("2001:db8:1:2::1", null),
        new ClientAddresses(List.of()).of("2001:db8:1:3::1", null));
    assertEquals("198.51.100.1", new ClientAddresses(List.of()).of("::ffff:198.51.100.1", null));
  }

  @Test
  void onlyAddressesAndBlocksAreValidProxies() {
    assertTrue(ClientAddresses.validProxy("127.0.0.1"));
    assertTrue(ClientAddresses.validProxy("fd00::/8"));
    assertFalse(ClientAddresses.validProxy("proxy.internal"));
    assertFalse(ClientAddresses.validProxy("10.0.0.0/33"));
    assertFalse(ClientAddresses.validProxy("10.0.0.0/x"));
  }
}
