package dev.tapewatch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The packages depend on each other in one direction: feed → tape ← market ← agents ← alerts/store/http/metrics,
 * with config and bus (addresses, the node's share) as leaves everyone may read, cluster reached only through the
 * bus, and the root package ({@code Main}, {@code TapewatchApp}) the one place that wires them. A new import against
 * the direction, or a cycle, fails the build here.
 */
class PackageRulesTest {
  /** What each package may use of the others (besides itself and anything outside the project). */
  static final Map<String, List<String>> ALLOWED = allowed();

  private static Map<String, List<String>> allowed() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("config", List.of());
    m.put("tape", List.of());
    m.put("bus", List.of());
    m.put("feed", List.of("tape", "bus", "config"));
    m.put("market", List.of("tape", "bus", "config"));
    m.put("cluster", List.of("bus", "config"));
    m.put("agents", List.of("market", "tape", "bus", "config"));
    m.put("scorecard", List.of("agents", "tape", "bus", "config"));
    for (String surface : List.of("alerts", "store", "http", "metrics")) {
      m.put(surface, List.of("scorecard", "agents", "market", "tape", "bus", "config"));
    }
    return m;
  }

  /** Every rule over the classes of {@code base}: the allowed dependencies, no cycles, the root used by none. */
  static List<ArchRule> rules(String base) {
    List<ArchRule> rules = new ArrayList<>();
    ALLOWED.forEach((pkg, uses) -> {
      List<String> permitted = new ArrayList<>();
      permitted.add(base + "." + pkg + "..");
      uses.forEach(u -> permitted.add(base + "." + u + ".."));
      rules.add(classes().that().resideInAPackage(base + "." + pkg + "..")
          .should().onlyDependOnClassesThat(resideOutsideOfPackage(base + "..")
              .or(resideInAnyPackage(permitted.toArray(String[]::new))))
          .allowEmptyShould(true)
          .because(pkg + " may use only " + (uses.isEmpty() ? "itself" : String.join(", ", uses))));
    });
    rules.add(slices().matching(base + ".(*)..").should().beFreeOfCycles());
    rules.add(noClasses().that().resideOutsideOfPackage(base).should().dependOnClassesThat()
        .resideInAPackage(base).allowEmptyShould(true)
        .because("the root package wires the others and is used by none"));
    return rules;
  }

  private static List<String> violations(JavaClasses classes, String base) {
    List<String> out = new ArrayList<>();
    for (ArchRule rule : rules(base)) {
      EvaluationResult result = rule.evaluate(classes);
      if (result.hasViolation()) {
        out.addAll(result.getFailureReport().getDetails());
      }
    }
    return out;
  }

  @Test
  void theServiceFollowsTheDirection() {
    JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.tapewatch");
    assertEquals(List.of(), violations(main, "dev.tapewatch"));
    Set<String> packages = main.stream().map(JavaClass::getPackageName)
        .filter(p -> p.startsWith("dev.tapewatch.")).map(p -> p.split("\\.")[2]).collect(Collectors.toSet());
    assertTrue(ALLOWED.keySet().containsAll(packages), "every package has its place in the rules: " + packages);
  }

  @Test
  void aDomainClassReachingIntoItsTransportIsRefused() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.tapewatch.archfixture");
    List<String> found = violations(fixture, "dev.tapewatch.archfixture");
    assertTrue(found.stream().anyMatch(v -> v.contains("Tick") && v.contains("feed.Source")), found.toString());
    assertTrue(found.stream().anyMatch(v -> v.contains("Cycle")), "the cycle is named too: " + found);
  }
}
