package dev.dockstep;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.dockstep.terminal.TerminalSocket;

/**
 * The packages depend one way (see STYLE.md): the rules are checked on the compiled classes, so
 * a change that breaks one fails the build instead of waiting for a review to notice.
 *
 * <pre>
 *   App, cli                 wire and start everything
 *   web, terminal            HTTP and the WebSocket: translate requests to calls and back
 *   steps                    a learner's steps: decide, record, follow live, prove lessons
 *   registry                 access tokens, repositories, who may log in to the practice registry
 *   check   sandbox   account   progress
 *   lesson  registry.token (the token server)   db
 *   common, files             (depend on nothing of ours)
 * </pre>
 */
@AnalyzeClasses(packages = "dev.dockstep", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] ABOVE_THE_ENGINE = {"dev.dockstep.steps..", "dev.dockstep.web..",
        "dev.dockstep.terminal..", "dev.dockstep.cli..", "dev.dockstep.bench.."};

    /** Lessons are below checks: the check syntax is the lessons'; the engine hands in its rules. */
    @ArchTest
    static final ArchRule lesson_does_not_depend_on_check = noClasses().that().resideInAPackage("dev.dockstep.lesson..")
            .should().dependOnClassesThat().resideInAPackage("dev.dockstep.check..");

    /** Lessons are content and its reading: nothing of sandboxes, accounts, progress or the web. */
    @ArchTest
    static final ArchRule lessons_stand_alone = noClasses().that().resideInAPackage("dev.dockstep.lesson..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dockstep.sandbox..", "dev.dockstep.account..",
                    "dev.dockstep.progress..", "dev.dockstep.db..", "dev.dockstep.steps..", "dev.dockstep.web..",
                    "dev.dockstep.terminal..");

    /** The check engine is pure: it reads Docker and registries, and records nothing, starts nothing. */
    @ArchTest
    static final ArchRule the_check_engine_is_pure = noClasses().that().resideInAPackage("dev.dockstep.check..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dockstep.sandbox..", "dev.dockstep.account..",
                    "dev.dockstep.progress..", "dev.dockstep.db..")
            .orShould().dependOnClassesThat().resideInAnyPackage(ABOVE_THE_ENGINE);

    /** Accounts and progress share the database, and neither knows the other. */
    @ArchTest
    static final ArchRule accounts_do_not_know_progress = noClasses().that().resideInAPackage("dev.dockstep.account..")
            .should().dependOnClassesThat().resideInAPackage("dev.dockstep.progress..");

    @ArchTest
    static final ArchRule progress_does_not_know_accounts = noClasses().that().resideInAPackage("dev.dockstep.progress..")
            .should().dependOnClassesThat().resideInAPackage("dev.dockstep.account..");

    /** The database is storage only. */
    @ArchTest
    static final ArchRule the_database_is_below_its_users = noClasses().that().resideInAPackage("dev.dockstep.db..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dockstep.account..", "dev.dockstep.progress..",
                    "dev.dockstep.check..", "dev.dockstep.registry..", "dev.dockstep.sandbox..", "dev.dockstep.steps..",
                    "dev.dockstep.web..");

    /** Sandboxes start Docker for learners; they know nothing of checks, progress or pages. */
    @ArchTest
    static final ArchRule sandboxes_know_nothing_above_them = noClasses().that().resideInAPackage("dev.dockstep.sandbox..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dockstep.check..", "dev.dockstep.account..",
                    "dev.dockstep.progress..", "dev.dockstep.lesson..")
            .orShould().dependOnClassesThat().resideInAnyPackage(ABOVE_THE_ENGINE)
            .orShould().dependOnClassesThat().resideInAPackage("dev.dockstep.registry");

    /** The practice registry's accounts and repositories serve the pages and the token server, never above. */
    @ArchTest
    static final ArchRule the_registry_is_below_the_steps_and_the_web = noClasses().that()
            .resideInAPackage("dev.dockstep.registry..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dockstep.progress..", "dev.dockstep.sandbox..")
            .orShould().dependOnClassesThat().resideInAnyPackage(ABOVE_THE_ENGINE);

    /** The services above the engine never reach up into the web. */
    @ArchTest
    static final ArchRule steps_are_below_the_web = noClasses().that().resideInAPackage("dev.dockstep.steps..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dockstep.web..", "dev.dockstep.terminal..",
                    "dev.dockstep.cli..");

    /** Helpers every feature uses depend on no feature. */
    @ArchTest
    static final ArchRule common_helpers_depend_on_nothing_of_ours = noClasses().that()
            .resideInAnyPackage("dev.dockstep.common..", "dev.dockstep.files..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dockstep.account..", "dev.dockstep.bench..",
                    "dev.dockstep.check..", "dev.dockstep.cli..", "dev.dockstep.db..", "dev.dockstep.lesson..",
                    "dev.dockstep.progress..", "dev.dockstep.registry..", "dev.dockstep.sandbox..",
                    "dev.dockstep.steps..", "dev.dockstep.terminal..", "dev.dockstep.web..");

    /**
     * Services never import io.javalin: the web layer translates HTTP to calls and back. The
     * terminal's WebSocket endpoint is its own feature's door, so it may.
     */
    @ArchTest
    static final ArchRule only_the_web_knows_javalin = noClasses().that().resideOutsideOfPackages("dev.dockstep.web..",
                    "dev.dockstep.terminal..").and().doNotHaveFullyQualifiedName("dev.dockstep.App")
            .should().dependOnClassesThat().resideInAPackage("io.javalin..");

    @ArchTest
    static final ArchRule in_the_terminal_only_its_socket_knows_javalin = noClasses().that()
            .resideInAPackage("dev.dockstep.terminal..").and().doNotBelongToAnyOf(TerminalSocket.class)
            .should().dependOnClassesThat().resideInAPackage("io.javalin..");
    /**
     * The registry's token server stands alone: the sandbox starts it, and test-lessons and the
     * benchmarks run it with no database, so it may use none of the other features.
     */
    @ArchTest
    static final ArchRule registry_token_server_depends_on_no_other_feature = noClasses().that()
            .resideInAPackage("dev.dockstep.registry.token..").should().dependOnClassesThat().resideInAnyPackage(
                    "dev.dockstep.account..", "dev.dockstep.check..", "dev.dockstep.lesson..", "dev.dockstep.progress..",
                    "dev.dockstep.sandbox..", "dev.dockstep.db..", "dev.dockstep.registry")
            .orShould().dependOnClassesThat().resideInAnyPackage(ABOVE_THE_ENGINE);
}
