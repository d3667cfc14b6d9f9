package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The CNCF distribution registry (Debian's {@code docker-registry}), started with a config of our
 * own: filesystem storage under {@code dir}, deletes allowed, loopback only, token authentication
 * with dockstep as the token server (Docker Hub's scheme), and notifications of pushes to it.
 */
public final class PracticeRegistry implements AutoCloseable {
    private final int port;
    private final ManagedProcess process;

    private PracticeRegistry(int port, ManagedProcess process) {
        this.port = port;
        this.process = process;
    }

    /**
     * How the registry authenticates: it sends clients to {@code realm} for a token, trusts tokens
     * signed by a certificate in {@code rootCertBundle}, and reports pushes and deletions to
     * {@code notifyUrl} with {@code notifySecret} as a bearer token.
     */
    public record TokenAuth(String realm, String service, String issuer, Path rootCertBundle, String notifyUrl,
                            String notifySecret) {
        @Override
        public String toString() {
            return "TokenAuth[" + realm + ", " + service + ", " + issuer + ", " + rootCertBundle + ", " + notifyUrl
                    + ", secret hidden]";
        }
    }

    /**
     * Writes the registry's config (0600: it holds the notification secret) and starts it on
     * {@code 127.0.0.1:port}.
     *
     * @throws SandboxException with one line saying what went wrong and what to do
     */
    public static PracticeRegistry start(Path dir, String registryBinary, int port, Duration timeout, TokenAuth auth) {
        return start(dir, registryBinary, port, timeout, auth, "the practice registry", "--registry-port");
    }

    /**
     * As {@link #start(Path, String, int, Duration, TokenAuth)}, for a registry that {@code what}
     * names in messages, whose port {@code portFlag} sets. A {@code TokenAuth} without a
     * {@code notifyUrl} sends no notifications.
     */
    public static PracticeRegistry start(Path dir, String registryBinary, int port, Duration timeout, TokenAuth auth,
                                         String what, String portFlag) {
        Path home = dir.toAbsolutePath().normalize();
        String binary = ManagedProcess.findBinary(registryBinary, "docker-registry");
        Path config = home.resolve("config.yml");
        Path pidFile = home.resolve("registry.pid");
        ManagedProcess.stopLeftover(pidFile, config.toString());
        if (!Waits.portIsFree(port)) {
            throw new SandboxException("port " + port + " is already in use, so " + what + " cannot start;"
                    + " choose another with " + portFlag);
        }
        try {
            Files.createDirectories(home.resolve("storage"));
            // An older dockstep kept registry passwords here; the token server made them useless.
            Files.deleteIfExists(home.resolve("htpasswd"));
            Path temp = Files.createTempFile(home, ".config", ".yml", java.nio.file.attribute.PosixFilePermissions
                    .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, configYaml(home, port, auth), StandardCharsets.UTF_8);
            Files.move(temp, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("cannot write the registry's files under " + home + ": " + e.getMessage(), e);
        }
        ManagedProcess process = ManagedProcess.start("docker-registry",
                List.of(binary, "serve", config.toString()), home.resolve("registry.log"));
        try {
            Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            process.close();
            throw new SandboxException("cannot write " + pidFile + ": " + e.getMessage(), e);
        }
        Waits.until(process, timeout, () -> Waits.httpAnswers(port, "/v2/"));
        return new PracticeRegistry(port, process);
    }

    private static String configYaml(Path home, int port, TokenAuth auth) {
        String yaml = """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(home.resolve("storage"), port, auth.realm(), auth.service(), auth.issuer(),
                auth.rootCertBundle().toAbsolutePath());
        if (auth.notifyUrl() == null) {
            return yaml;
        }
        return yaml + """
                notifications:
                  endpoints:
                    - name: dockstep
                      url: %s
                      headers:
                        Authorization: [Bearer %s]
                      timeout: 2s
                      threshold: 10
                      backoff: 1s
                      ignore:
                        actions: [pull]
                """.formatted(auth.notifyUrl(), auth.notifySecret());
    }

    /** The address learners use in image names; Docker allows plain HTTP to localhost. */
    public String address() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.close();
    }
}
