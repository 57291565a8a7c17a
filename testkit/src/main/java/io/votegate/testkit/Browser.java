package io.votegate.testkit;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium for tests, driven over the DevTools protocol (a WebSocket per page): navigate, run script in the
 * page, type keys, resize, take screenshots. A real browser renders the form, runs its script and applies its CSP.
 */
public final class Browser implements AutoCloseable {
  private final Process process;
  private final Path profile;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  /** The Chromium of this machine: {@code $CHROMIUM}, or {@code chromium} / {@code chromium-browser} on the PATH. */
  public static Optional<Path> installed() {
    var named = System.getenv("CHROMIUM");
    if (named != null && Files.isExecutable(Path.of(named))) {
      return Optional.of(Path.of(named));
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .flatMap(dir -> Stream.of(Path.of(dir, "chromium"), Path.of(dir, "chromium-browser")))
        .filter(Files::isExecutable).findFirst();
  }

  public Browser(Path binary) throws Exception {
    profile = Files.createTempDirectory("votegate-chromium");
    // The flags keep a headless Chromium from reaching out to the network (this machine has none) and from syncing.
    process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    var activePort = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(activePort) || Files.readAllLines(activePort).isEmpty()) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("Chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(50);
    }
    port = Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
  }

  public Page newPage() throws Exception {
    var answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    return new Page(http, new JsonObject(answer.body()).getString("webSocketDebuggerUrl"));
  }

  /** Pinned: a new axe-core may add rules, and a build must not fail because of a release on another day. */
  public static final String AXE = "axe-core@4.10.3";

  /**
   * axe-core's browser bundle, installed once with npm under {@code home}; null if neither it nor npm is there, so a
   * caller can skip with a notice.
   */
  public static String axe(Path home) throws Exception {
    var bundle = home.resolve("node_modules/axe-core/axe.min.js");
    if (!Files.exists(bundle)) {
      Files.createDirectories(home);
      try {
        var npm = new ProcessBuilder("npm", "install", "--prefix", home.toString(), "--no-audit", "--no-fund",
            "--no-save", AXE).redirectErrorStream(true).redirectOutput(home.resolve("npm.log").toFile()).start();
        if (!npm.waitFor(5, TimeUnit.MINUTES)) {
          npm.destroyForcibly();
        }
      } catch (IOException noNpm) {
        return null;
      }
    }
    return Files.exists(bundle) ? Files.readString(bundle) : null;
  }

  /** axe-core's WCAG 2.0–2.2 A and AA rules on the page's document: one line per violation, none when it passes. */
  public static java.util.List<String> axeViolations(Page page, String axe) throws Exception {
    if (Boolean.TRUE.equals(page.eval("typeof axe === 'undefined'"))) {
      page.eval(axe);
    }
    var found = new io.vertx.core.json.JsonArray((String) page.eval("axe.run(document, {runOnly: {type: 'tag', "
        + "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}).then(r => JSON.stringify(r.violations"
        + ".map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"));
    return found.stream().map(String::valueOf).toList();
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    TempTrees.delete(profile);
  }

  /** One tab. Each call waits for its answer; a page's own failure (an exception in script) fails the call. */
  public static final class Page {
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> waiting = new ConcurrentHashMap<>();

    Page(HttpClient http, String url) {
      socket = http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence part, boolean last) {
          message.append(part);
          if (last) {
            var json = new JsonObject(message.toString());
            message.setLength(0);
            var call = json.containsKey("id") ? waiting.remove(json.getInteger("id")) : null;
            if (call != null) {
              if (json.containsKey("error")) {
                call.completeExceptionally(new IllegalStateException(json.getJsonObject("error").encode()));
              } else {
                call.complete(json.getJsonObject("result"));
              }
            }
          }
          ws.request(1);
          return null;
        }
      }).join();
    }

    public JsonObject call(String method, JsonObject params) throws Exception {
      int id = ids.incrementAndGet();
      var answer = new CompletableFuture<JsonObject>();
      waiting.put(id, answer);
      socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true).join();
      return answer.get(60, TimeUnit.SECONDS);
    }

    /** Runs {@code script} in the page (awaiting a promise it returns) and answers its value. */
    public Object eval(String script) throws Exception {
      var result = call("Runtime.evaluate", new JsonObject().put("expression", script).put("awaitPromise", true)
          .put("returnByValue", true));
      if (result.containsKey("exceptionDetails")) {
        throw new IllegalStateException(script.length() > 200 ? script.substring(0, 200) + "…" : script
            + ": " + result.getJsonObject("exceptionDetails").encode());
      }
      return result.getJsonObject("result").getValue("value");
    }

    public void open(String url) throws Exception {
      navigating(() -> call("Page.navigate", new JsonObject().put("url", url)));
    }

    /** Does {@code action} (a click that submits, say) and waits until the next document has loaded. */
    public void navigating(Action action) throws Exception {
      call("Runtime.evaluate", new JsonObject().put("expression", "window.__votegateOld = true"));
      action.run();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        try {
          if (Boolean.TRUE.equals(eval("window.__votegateOld === undefined && document.readyState === 'complete'"))) {
            return;
          }
        } catch (IllegalStateException betweenDocuments) {
          // the old document is gone and the new one has no context yet
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("no new page loaded after 30 s");
    }

    public void resize(int width, int height) throws Exception {
      call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
          .put("deviceScaleFactor", 1).put("mobile", width < 500));
    }

    public void pressTab() throws Exception {
      for (var type : new String[] {"keyDown", "keyUp"}) {
        call("Input.dispatchKeyEvent", new JsonObject().put("type", type).put("key", "Tab").put("code", "Tab")
            .put("windowsVirtualKeyCode", 9));
      }
    }

    /** A PNG of the whole page, not only what fits the window. */
    public void screenshot(Path file) throws Exception {
      var shot = call("Page.captureScreenshot", new JsonObject().put("format", "png").put("captureBeyondViewport", true));
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
    }
  }

  public interface Action {
    void run() throws Exception;
  }
}
