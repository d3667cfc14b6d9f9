package dev.dockstep.cli;

import dev.dockstep.Config;
import dev.dockstep.account.Accounts;
import dev.dockstep.account.SignInThrottle;
import dev.dockstep.progress.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dockstep instructor add NAME}: grants a learner who has signed up the instructor role. */
@Command(name = "instructor", mixinStandardHelpOptions = true, description = "Manage instructors.",
        subcommands = InstructorCommand.Add.class)
final class InstructorCommand {
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Grant the instructor role to someone who has signed up. They see /instructor on their next page.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "their user name")
        String name;

        @Option(names = "--data", description = "the data folder of the server (default: ${DEFAULT-VALUE})",
                defaultValue = "data")
        Path data;

        @Option(names = "--db", paramLabel = "JDBC-URL", description = "the server's PostgreSQL database, if it uses one")
        String database;

        @Override
        public Integer call() {
            if (database == null && !java.nio.file.Files.isRegularFile(data.resolve("progress.db"))) {
                throw new IllegalArgumentException("there is no dockstep database in " + data
                        + "; name the server's data folder with --data, or its database with --db");
            }
            Config config = Config.defaults().withDirs(data, Path.of("lessons")).withDatabase(database);
            try (Database db = Database.open(config.databaseUrl())) {
                new Accounts(db, Clock.systemUTC(), new SignInThrottle(Clock.systemUTC()))
                        .grantInstructor(name);
            }
            System.out.println(name + " is an instructor now.");
            return 0;
        }
    }
}
