package dev.dockstep;

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
 * @param sandbox whether dockstep runs its own dockerd or uses the host's
 * @param registryPort the practice registry's port on 127.0.0.1
 * @param dockerdBinary the dockerd to run in managed mode
 * @param registryBinary the docker-registry to run
 * @param checkDeadline how long one check may take
 * @param watch whether to load lesson files again when they change
 * @param database a JDBC URL for progress, or null for the SQLite file {@code progress.db} in the data folder
 * @param dockerHub true when learners push to real Docker Hub instead of the practice registry
 * @param publicUrl the address learners type, or null; host names other than it, localhost and IP
 *     addresses are refused, so that a DNS-rebinding page cannot reach the server
 * @param limits what one server lets anyone make it hold or do
 */
public record Config(String host, int port, Path dataDir, Path lessonsDir, SandboxMode sandbox, int registryPort,
                     String dockerdBinary, String registryBinary, Duration checkDeadline, boolean watch,
                     String database, boolean dockerHub, URI publicUrl, Limits limits) {

    /** Where learners run docker. */
    public enum SandboxMode {
        /** dockstep starts and owns a private dockerd under the data folder. */
        MANAGED,
        /** the Docker that {@code DOCKER_HOST} (or the default socket) names, with the learner's own CLI config. */
        HOST
    }

    /** The defaults of {@code dockstep serve}. */
    public static Config defaults() {
        return new Config("127.0.0.1", 7070, Path.of("data"), Path.of("lessons"), SandboxMode.MANAGED, 5000,
                "dockerd", "docker-registry", Duration.ofSeconds(5), false, null, false, null, Limits.defaults());
    }

    public Config withPorts(int port, int registryPort) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, publicUrl, limits);
    }

    public Config withDirs(Path dataDir, Path lessonsDir) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, publicUrl, limits);
    }

    public Config withSandbox(SandboxMode sandbox) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, publicUrl, limits);
    }

    public Config withWatch(boolean watch) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, publicUrl, limits);
    }

    public Config withDatabase(String database) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, publicUrl, limits);
    }

    public Config withDockerHub(boolean dockerHub) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, publicUrl, limits);
    }

    public Config withPublicUrl(URI publicUrl) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, publicUrl, limits);
    }

    public Config withLimits(Limits limits) {
        return new Config(host, port, dataDir, lessonsDir, sandbox, registryPort, dockerdBinary, registryBinary,
                checkDeadline, watch, database, dockerHub, publicUrl, limits);
    }

    /** The JDBC URL progress is kept at. */
    public String databaseUrl() {
        return database != null ? database : "jdbc:sqlite:" + dataDir.toAbsolutePath().normalize().resolve("progress.db");
    }
}
