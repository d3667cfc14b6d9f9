package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The CNCF distribution registry (Debian's {@code docker-registry}), started with a config of our
 * own: filesystem storage under {@code dir}, loopback only, and basic auth from an htpasswd file.
 */
public final class PracticeRegistry implements AutoCloseable {
    private final int port;
    private final Htpasswd accounts;
    private final ManagedProcess process;

    private PracticeRegistry(int port, Htpasswd accounts, ManagedProcess process) {
        this.port = port;
        this.accounts = accounts;
        this.process = process;
    }

    /**
     * Writes the registry's config and starts it on {@code 127.0.0.1:port}.
     *
     * @throws SandboxException with one line saying what went wrong and what to do
     */
    public static PracticeRegistry start(Path dir, String registryBinary, int port, Duration timeout) {
        Path home = dir.toAbsolutePath().normalize();
        return start(home, registryBinary, port, timeout, """
                  htpasswd:
                    realm: dockstep
                    path: %s
                """.formatted(home.resolve("htpasswd")));
    }

    /**
     * Starts the registry with token authentication (Docker Hub's scheme): it sends clients to
     * {@code realm} for a token, and trusts tokens signed by a certificate in {@code rootCertBundle}.
     */
    public static PracticeRegistry startWithTokenAuth(Path dir, String registryBinary, int port, Duration timeout,
                                                      String realm, String service, String issuer, Path rootCertBundle) {
        return start(dir.toAbsolutePath().normalize(), registryBinary, port, timeout, """
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(realm, service, issuer, rootCertBundle.toAbsolutePath()));
    }

    private static PracticeRegistry start(Path home, String registryBinary, int port, Duration timeout, String auth) {
        String binary = ManagedProcess.findBinary(registryBinary, "docker-registry");
        Path config = home.resolve("config.yml");
        Path pidFile = home.resolve("registry.pid");
        ManagedProcess.stopLeftover(pidFile, config.toString());
        if (!Waits.portIsFree(port)) {
            throw new SandboxException("port " + port + " is already in use, so the practice registry cannot start;"
                    + " choose another with --registry-port");
        }
        Htpasswd accounts = new Htpasswd(home.resolve("htpasswd"));
        try {
            Files.createDirectories(home.resolve("storage"));
            if (!Files.exists(accounts.file())) {
                Files.createFile(accounts.file());
            }
            Files.writeString(config, configYaml(home, port, auth), StandardCharsets.UTF_8);
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
        return new PracticeRegistry(port, accounts, process);
    }

    private static String configYaml(Path home, int port, String auth) {
        return """
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
                %s""".formatted(home.resolve("storage"), port, auth);
    }

    /** The address learners use in image names; Docker allows plain HTTP to localhost. */
    public String address() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Htpasswd accounts() {
        return accounts;
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
