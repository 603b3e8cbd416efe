package dev.softlabels.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package graph: no cycles, the label-table contract at the bottom, truth inference on nothing
 * but it, and Spark's and Delta's internal APIs each behind one adapter.
 */
@AnalyzeClasses(packages = "dev.softlabels", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageGraphTest {

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLES =
      slices().matching("dev.softlabels.(*)..").should().beFreeOfCycles();

  /**
   * Every job reads or writes label tables; the contract itself needs only config's error and
   * choice types.
   */
  @ArchTest
  static final ArchRule LABELS_AT_THE_BOTTOM =
      classes()
          .that()
          .resideInAPackage("dev.softlabels.labels..")
          .should()
          .onlyDependOnClassesThat(
              resideOutsideOfPackage("dev.softlabels..")
                  .or(resideInAnyPackage("dev.softlabels.labels..", "dev.softlabels.config..")));

  /**
   * The EM engine and its methods take counted votes and give label rows: they know no reader, job
   * or store.
   */
  @ArchTest
  static final ArchRule TRUTH_ON_LABELS_AND_CONFIG =
      classes()
          .that()
          .resideInAPackage("dev.softlabels.truth..")
          .should()
          .onlyDependOnClassesThat(
              resideOutsideOfPackage("dev.softlabels..")
                  .or(
                      resideInAnyPackage(
                          "dev.softlabels.truth..",
                          "dev.softlabels.labels..",
                          "dev.softlabels.config..")));

  /** Checking and counting votes comes before any model of the annotators. */
  @ArchTest
  static final ArchRule VOTES_NOT_ON_TRUTH =
      noClasses()
          .that()
          .resideInAPackage("dev.softlabels.votes..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.softlabels.truth..");

  /** relabel keeps vote fractions night by night; it fits no annotator model. */
  @ArchTest
  static final ArchRule RELABEL_NOT_ON_TRUTH =
      noClasses()
          .that()
          .resideInAPackage("dev.softlabels.relabel..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.softlabels.truth..");

  /** Spark's internal row API changes between releases: an upgrade looks at one package. */
  @ArchTest
  static final ArchRule SPARK_INTERNALS_IN_ONE_ADAPTER =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.softlabels.spark.internal..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.spark.sql.catalyst..", "org.apache.spark.unsafe..");

  /** relabel's Delta adapter, and its nested classes. */
  private static final DescribedPredicate<JavaClass> DELTA_ADAPTER =
      named("relabel's DeltaTables", "dev\\.softlabels\\.relabel\\.DeltaTables(\\$.*)?");

  /** Delta's internal commit path changes between releases: an upgrade looks at one adapter. */
  @ArchTest
  static final ArchRule DELTA_INTERNALS_IN_ONE_ADAPTER =
      noClasses()
          .that(not(DELTA_ADAPTER))
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.spark.sql.delta..", "io.delta..");

  private static DescribedPredicate<JavaClass> named(String description, String nameRegex) {
    return DescribedPredicate.describe(description, type -> type.getName().matches(nameRegex));
  }
}
