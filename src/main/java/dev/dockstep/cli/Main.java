package dev.dockstep.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dockstep}: parses the command line and hands over to one subcommand. */
@Command(name = "dockstep", mixinStandardHelpOptions = true, version = "dockstep 0.1.0",
        description = "Learn Docker registries by doing: markdown lessons, checked live against real Docker.",
        subcommands = {ServeCommand.class, LintCommand.class, TestLessonsCommand.class, BenchCommand.class,
                InstructorCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns its exit code; a failure prints one line, never a stack trace. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        // A mistyped flag or value: one line saying what is wrong, and where to read the options.
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("dockstep: " + e.getMessage());
            command.getErr().println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("dockstep: " + oneLine(e));
            if (System.getenv("DOCKSTEP_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    private static String oneLine(Exception e) {
        return dev.dockstep.common.Messages.firstLine(e);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
