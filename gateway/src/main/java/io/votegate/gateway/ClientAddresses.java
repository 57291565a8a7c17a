package io.votegate.gateway;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;

import java.util.Arrays;
import java.util.List;

/**
 * Who is asking, for the rate limits: the socket's peer, unless that peer is a configured trusted proxy, in which case
 * the nearest address in {@code X-Forwarded-For} that is not itself a trusted proxy. A client can write anything into
 * that header, so only the entries our own proxies appended are believed: it is read from the right.
 *
 * <p>IPv6 clients are counted by their /64, the block one subscriber gets: counting single IPv6 addresses would give
 * an attacker 2^64 fresh budgets.
 */
final class ClientAddresses {
  private record Block(byte[] prefix, int bits) {
    boolean contains(byte[] address) {
      if (address == null || address.length != prefix.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((address[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Block> trusted;

  ClientAddresses(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(ClientAddresses::block).toList();
  }

  /** The address the limits count against, in a canonical text form (an IPv6 address cut to its /64). */
  String of(HttpServerRequest request) {
    var peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    return of(peer, request.getHeader("X-Forwarded-For"));
  }

  /** The same, from the socket peer's address and the request's {@code X-Forwarded-For} (or null). */
  String of(String peer, String forwarded) {
    var address = bytes(peer);
    if (isTrusted(address)) {
      if (forwarded != null) {
        var hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
          var hop = bytes(hops[i].trim());
          if (hop == null) {
            break; // garbage where an address should be: believe only what came before it
          }
          address = hop;
          if (!isTrusted(hop)) {
            break;
          }
        }
      }
    }
    return address == null ? peer : canonical(address);
  }

  static boolean validProxy(String text) {
    try {
      block(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private boolean isTrusted(byte[] address) {
    return trusted.stream().anyMatch(b -> b.contains(address));
  }

  private static Block block(String text) {
    var slash = text.indexOf('/');
    var address = bytes(slash < 0 ? text : text.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    int bits = address.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a prefix length: " + text);
      }
      if (bits < 0 || bits > address.length * 8) {
        throw new IllegalArgumentException("prefix length out of range: " + text);
      }
    }
    return new Block(address, bits);
  }

  /** A literal IPv4 or IPv6 address, never a name: nothing here may wait for DNS. */
  private static byte[] bytes(String text) {
    var literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    return NetUtil.createByteArrayFromIpAddressString(literal);
  }

  private static String canonical(byte[] address) {
    if (address.length == 16 && !isIpv4Mapped(address)) {
      var block = Arrays.copyOf(address, 16);
      Arrays.fill(block, 8, 16, (byte) 0);
      return NetUtil.bytesToIpAddress(block) + "/64";
    }
    return NetUtil.bytesToIpAddress(address.length == 16 ? Arrays.copyOfRange(address, 12, 16) : address);
  }

  private static boolean isIpv4Mapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
  }
}
