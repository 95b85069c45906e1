package dev.tapewatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a subcommand: positional words and {@code --name value} options from a fixed set. A mistake is a
 * {@link UsageException} whose message is the one line printed before exit 2.
 */
record CommandArgs(List<String> positional, Map<String, String> options) {

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  static CommandArgs parse(String command, List<String> args, Set<String> optionNames, String usage) {
    List<String> positional = new ArrayList<>();
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--")) {
        String name = a.substring(2);
        if (!optionNames.contains(name) || i + 1 >= args.size() || options.containsKey(name)) {
          throw new UsageException(command + ": bad option " + a + "; usage: " + usage);
        }
        options.put(name, args.get(++i));
      } else {
        positional.add(a);
      }
    }
    return new CommandArgs(List.copyOf(positional), Map.copyOf(options));
  }

  /** A whole number option from {@code min} to {@code max}, or {@code fallback} when absent. */
  long number(String command, String name, long fallback, long min, long max, String usage) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the accepted range
    }
    throw new UsageException(command + ": --" + name + " '" + v + "' is not a whole number from " + min + " to "
        + max + "; usage: " + usage);
  }
}
