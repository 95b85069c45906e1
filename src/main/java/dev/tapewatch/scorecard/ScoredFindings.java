package dev.tapewatch.scorecard;

import java.util.List;

/**
 * The store's answer to a scorecard's read ({@code store.findings.scored}), passed by reference on this node: the
 * scored findings newest first with their outcomes at {@code horizons}, where they were read ({@code postgres},
 * {@code sqlite} or {@code memory}) and whether more matched than the answer holds.
 */
public record ScoredFindings(List<String> horizons, List<ScoredFinding> findings, String source, boolean truncated) {
}
