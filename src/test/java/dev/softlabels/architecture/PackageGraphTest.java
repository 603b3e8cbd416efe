package dev.softlabels.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The package graph: no cycles, and the label-table contract at the bottom. */
@AnalyzeClasses(packages = "dev.softlabels", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageGraphTest {

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.softlabels.(*)..").should().beFreeOfCycles();

  /** Every job reads or writes label tables; the contract itself needs only config's error and choice types. */
  @ArchTest
  static final ArchRule LABELS_AT_THE_BOTTOM = classes().that().resideInAPackage("dev.softlabels.labels..")
      .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.softlabels..")
          .or(resideInAnyPackage("dev.softlabels.labels..", "dev.softlabels.config..")));
}
