package dev.tapewatch.archfixture.feed;

import dev.tapewatch.archfixture.tape.Tick;

/** A transport making domain objects, as it should; with {@code Tick} it closes a cycle. */
public record Source(String name) {
  public Tick tick() {
    return new Tick(this);
  }
}
