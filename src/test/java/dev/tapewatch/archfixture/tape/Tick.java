package dev.tapewatch.archfixture.tape;

import dev.tapewatch.archfixture.feed.Source;

/** A domain class that wrongly reaches back into its transport: what {@code PackageRulesTest} must refuse. */
public record Tick(Source from) {
}
