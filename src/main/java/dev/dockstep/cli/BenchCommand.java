package dev.dockstep.cli;

import dev.dockstep.bench.Bench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dockstep bench [NAME]}: the speed figures, each beside its floor or target. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure dockstep against its floor on this machine, in one run. Parts: pages, checks,"
                + " classroom, startup, sandbox, terminal, registry. Needs dockerd, docker-registry, wrk and nginx"
                + " (bin/dockstep bench installs them); all parts take about two and a half minutes.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
            description = "one part to run: pages, checks, classroom, startup, sandbox, terminal or registry (default: all)")
    String name;

    @Option(names = "--results", description = "where to write the JSON results (default: ${DEFAULT-VALUE})",
            defaultValue = "target/bench/results.json")
    Path results;

    @Override
    public Integer call() throws Exception {
        new Bench(System.out).run(name, results);
        return 0;
    }
}
