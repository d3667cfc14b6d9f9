package dev.dockstep.cli;

import dev.dockstep.Config;
import dev.dockstep.account.Accounts;
import dev.dockstep.account.SignInThrottle;
import dev.dockstep.db.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dockstep instructor add|remove NAME}: grants or takes back the instructor role of
 * someone who has signed up.
 */
@Command(name = "instructor", mixinStandardHelpOptions = true, description = "Manage instructors.",
        subcommands = {InstructorCommand.Add.class, InstructorCommand.Remove.class})
final class InstructorCommand {
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Grant the instructor role to someone who has signed up. They see /instructor on their next page.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "their user name")
        String name;

        @Mixin
        ServerDatabase server;

        @Override
        public Integer call() {
            server.accounts(accounts -> accounts.grantInstructor(name));
            System.out.println(name + " is an instructor now.");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Take the instructor role back. They stay a learner, with their progress, and lose"
                    + " /instructor within a second.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "their user name")
        String name;

        @Mixin
        ServerDatabase server;

        @Override
        public Integer call() {
            server.accounts(accounts -> accounts.revokeInstructor(name));
            System.out.println(name + " is no longer an instructor.");
            return 0;
        }
    }

    /** The running server's database, named by its data folder or its JDBC URL. */
    static final class ServerDatabase {
        @Option(names = "--data", description = "the data folder of the server (default: ${DEFAULT-VALUE})",
                defaultValue = "data")
        Path data;

        @Option(names = "--db", paramLabel = "JDBC-URL", description = "the server's PostgreSQL database, if it uses one")
        String database;

        void accounts(Consumer<Accounts> work) {
            if (database == null && !java.nio.file.Files.isRegularFile(data.resolve("progress.db"))) {
                throw new IllegalArgumentException("there is no dockstep database in " + data
                        + "; name the server's data folder with --data, or its database with --db");
            }
            Config config = Config.defaults().withDirs(data, Path.of("lessons")).withDatabase(database);
            try (Database db = Database.open(config.databaseUrl())) {
                work.accept(new Accounts(db, Clock.systemUTC(), new SignInThrottle(Clock.systemUTC())));
            }
        }
    }
}
