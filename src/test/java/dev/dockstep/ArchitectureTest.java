package dev.dockstep;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The packages depend one way (see STYLE.md): the rules are checked on the compiled classes, so
 * a change that breaks one fails the build instead of waiting for a review to notice.
 */
@AnalyzeClasses(packages = "dev.dockstep", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    /** Lessons are below checks: the check syntax is the lessons'; the engine hands in its rules. */
    @ArchTest
    static final ArchRule lesson_does_not_depend_on_check = noClasses().that().resideInAPackage("dev.dockstep.lesson..")
            .should().dependOnClassesThat().resideInAPackage("dev.dockstep.check..");

    /**
     * The registry's token server stands alone: the sandbox starts it, and test-lessons and the
     * benchmarks run it with no database, so it may use none of the other features.
     */
    @ArchTest
    static final ArchRule registry_token_server_depends_on_no_other_feature = noClasses().that()
            .resideInAPackage("dev.dockstep.registry.token..").should().dependOnClassesThat().resideInAnyPackage(
                    "dev.dockstep.account..", "dev.dockstep.check..", "dev.dockstep.lesson..", "dev.dockstep.progress..",
                    "dev.dockstep.sandbox..", "dev.dockstep.web..", "dev.dockstep.registry");
}
