package io.votegate.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Tests' temporary directories (servers' data, a browser's profile, a stack's data) are deleted whole when done. */
public final class TempTrees {
  private TempTrees() {}

  /**
   * Deletes {@code root} and everything under it, deepest first; a file that will not go is left. Nothing to do for a
   * root that is null (a test that failed before making it) or gone.
   */
  public static void delete(Path root) throws IOException {
    if (root != null && Files.exists(root)) {
      try (var paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
