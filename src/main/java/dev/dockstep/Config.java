package dev.dockstep;

import dev.dockstep.sandbox.PerLearnerSandboxes;
import dev.dockstep.web.Limits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the app is told at start-up; {@code serve}'s flags map onto it one to one.
 *
 * @param host the address to listen on
 * @param port the HTTP port; 0 picks a free one (tests)
 * @param dataDir where the database, the managed daemon and the registry keep their files
 * @param lessonsDir the lessons folder, one sub-folder per course
 * @param sandbox where learners' Docker lives: a daemon each, one shared managed daemon, or the host's
 * @param registryPort the practice registry's port on 127.0.0.1
 * @param dockerdBinary the dockerd to run in managed mode
 * @param registryBinary the docker-registry to run
 * @param checkDeadline how long one check may take
 * @param watch whether to load lesson files again when they change
 * @param database a JDBC URL for progress, or null for the SQLite file {@code progress.db} in the data folder
 * @param dockerHub true when learners push to real Docker Hub instead of the practice registry
 * @param sandboxes how many per-learner sandboxes run, and for how long
 * @param publicUrl the address learners type, or null; host names other than it, localhost and IP
 *     addresses are refused, so that a DNS-rebinding page cannot reach the server
 * @param limits what one server lets anyone make it hold or do
 * @param companyRegistryPort the second, "company" practice registry's port on 127.0.0.1 (lessons
 *     ask for it with {@code setup: registries: [company]}); 0 picks a free one (tests)
 */
public record Config(String host, int port, Path dataDir, Path lessonsDir, SandboxMode sandbox, int registryPort,
                     String dockerdBinary, String registryBinary, Duration checkDeadline, boolean watch,
                     String database, boolean dockerHub, PerLearnerSandboxes.Options sandboxes, URI publicUrl,
                     Limits limits, int companyRegistryPort) {

    /** Where learners run docker. */
    public enum SandboxMode {
        /** each learner has a rootless dockerd of their own, behind a policy gate: a classroom. */
        PER_LEARNER("per-learner"),
        /** dockstep starts and owns one private dockerd under the data folder: one person on their own machine. */
        SHARED("shared"),
        /** the Docker that {@code DOCKER_HOST} (or the default socket) names, with the learner's own CLI config. */
        HOST("host");

        private final String flag;

        SandboxMode(String flag) {
            this.flag = flag;
        }

        /** The value as {@code --sandbox} takes it. */
        public String flag() {
            return flag;
        }

        /** @throws IllegalArgumentException naming the values allowed */
        public static SandboxMode parse(String value) {
            for (SandboxMode mode : values()) {
                if (mode.flag.equals(value)) {
                    return mode;
                }
            }
            if ("managed".equals(value)) {
                return SHARED;
            }
            throw new IllegalArgumentException("choose per-learner, shared or host, not '" + value + "'");
        }
    }

    /** The defaults of {@code dockstep serve}. */
    public static Config defaults() {
        return new Config("127.0.0.1", 7070, Path.of("data"), Path.of("lessons"), SandboxMode.PER_LEARNER, 5000,
                "dockerd", "docker-registry", Duration.ofSeconds(5), false, null, false,
                PerLearnerSandboxes.Options.defaults(), null, Limits.defaults(), 5001);
    }

    /** The HTTP and registry ports; the company registry then takes a free port, as a test needs. */
    public Config withPorts(int port, int registryPort) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, 0);
    }

    public Config withCompanyRegistryPort(int companyRegistryPort) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    public Config withDirs(Path dataDir, Path lessonsDir) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    public Config withSandbox(SandboxMode sandbox) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    public Config withWatch(boolean watch) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    public Config withDatabase(String database) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    public Config withDockerHub(boolean dockerHub) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    public Config withHost(String host) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    public Config withSandboxes(PerLearnerSandboxes.Options sandboxes) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    public Config withLimits(Limits limits) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, sandboxes, publicUrl, limits, companyRegistryPort);
    }

    /** The JDBC URL progress is kept at. */
    public String databaseUrl() {
        return database != null ? database : "jdbc:sqlite:" + dataDir.toAbsolutePath().normalize().resolve("progress.db");
    }
}
