package io.votegate.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The test kit's temporary directories (servers' data, a browser's profile) are deleted whole when they close. */
final class TempTrees {
  private TempTrees() {}

  /** Deletes {@code root} and everything under it, deepest first; a file that will not go is left. */
  static void delete(Path root) throws IOException {
    if (Files.exists(root)) {
      try (var paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
