package dev.dockstep.sandbox;

import dev.dockstep.registry.token.Directory;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.registry.token.ServiceIdentity;
import dev.dockstep.registry.token.TokenService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry learners push to: dockstep's practice registry (a {@link PracticeRegistry} on
 * 127.0.0.1 that trusts tokens from dockstep's {@link TokenService}), or real Docker Hub, where
 * nothing runs here and no password is kept.
 *
 * <p>Beside the practice registry may run a second one, the "company" registry that lessons ask
 * for with {@code setup: registries: [company]}: another process at another address
 * ({@code 127.0.0.1:PORT}), trusting the same token server, so the same accounts, tokens and
 * rules hold there. It sends no notifications: the repository pages show the first registry only.
 */
public final class RegistryService implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final String COMPANY = "the company registry";

    private final boolean dockerHub;
    private final Path dir;
    private final String binary;
    private final int port;
    private final TokenService tokens;
    /** The company registry's port, or 0 when none runs. */
    private final int companyPort;
    private volatile PracticeRegistry registry;
    private volatile PracticeRegistry company;
    private Supervisor supervisor;
    private Supervisor companySupervisor;

    private RegistryService(boolean dockerHub, Path dir, String binary, int port, int companyPort, TokenService tokens) {
        this.dockerHub = dockerHub;
        this.dir = dir == null ? null : dir.toAbsolutePath().normalize();
        this.binary = binary;
        this.port = port;
        this.companyPort = companyPort;
        this.tokens = tokens;
    }

    /**
     * The practice registry under {@code dir}, on {@code 127.0.0.1:port}, once {@link #start}ed;
     * its token server keeps its signing key in {@code dir/token} and asks {@code directory} who
     * may log in and what is known of repositories.
     */
    public static RegistryService practice(Path dir, String binary, int port, Directory directory) {
        return practice(dir, binary, port, 0, directory);
    }

    /**
     * As {@link #practice(Path, String, int, Directory)}, with the company registry on
     * {@code 127.0.0.1:companyPort} (its files under {@code dir/company}); 0 runs none.
     */
    public static RegistryService practice(Path dir, String binary, int port, int companyPort, Directory directory) {
        Path home = dir.toAbsolutePath().normalize();
        return new RegistryService(false, home, binary, port, companyPort,
                new TokenService(home.resolve("token"), directory, Clock.systemUTC()));
    }

    /** A practice registry whose learners live in memory (see {@link MemoryDirectory}): for throwaway sandboxes. */
    public static RegistryService practice(Path dir, String binary, int port) {
        return practice(dir, binary, port, new MemoryDirectory());
    }

    /** Real Docker Hub: learners push under their Docker Hub name; nothing runs here. */
    public static RegistryService hub() {
        return new RegistryService(true, null, null, 0, 0, null);
    }

    /** Starts the token server, then the practice registry that trusts it. */
    public void start() {
        if (dockerHub) {
            return;
        }
        try {
            tokens.start();
        } catch (IllegalStateException e) {
            throw new SandboxException(e.getMessage(), e);
        }
        PracticeRegistry.TokenAuth auth = new PracticeRegistry.TokenAuth(tokens.realm(), TokenService.SERVICE,
                TokenService.ISSUER, tokens.rootCertBundle(), tokens.notifyUrl(), tokens.notifySecret());
        try {
            registry = PracticeRegistry.start(dir, binary, port, START_TIMEOUT, auth);
        } catch (RuntimeException e) {
            tokens.close();
            throw e;
        }
        supervisor = Supervisor.watch("the practice registry", () -> registry != null && registry.isAlive(),
                () -> registry = PracticeRegistry.start(dir, binary, port, START_TIMEOUT, auth), Duration.ofMillis(500));
        if (companyPort != 0) {
            PracticeRegistry.TokenAuth companyAuth = new PracticeRegistry.TokenAuth(auth.realm(), auth.service(),
                    auth.issuer(), auth.rootCertBundle(), null, null);
            Path companyDir = dir.resolve("company");
            try {
                company = PracticeRegistry.start(companyDir, binary, companyPort, START_TIMEOUT, companyAuth,
                        COMPANY, "--company-registry-port");
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            companySupervisor = Supervisor.watch(COMPANY, () -> company != null && company.isAlive(),
                    () -> company = PracticeRegistry.start(companyDir, binary, companyPort, START_TIMEOUT, companyAuth,
                            COMPANY, "--company-registry-port"), Duration.ofMillis(500));
        }
    }

    /**
     * The company registry as learners write it in image names ({@code 127.0.0.1:5001}): another
     * host than {@link #address()}, so that the two names differ in more than a port. Empty on
     * Docker Hub and where none runs.
     */
    public Optional<String> companyAddress() {
        return dockerHub || companyPort == 0 ? Optional.empty() : Optional.of("127.0.0.1:" + companyPort);
    }

    /** Every registry learners may push to and pull from here: the gate lets a sandbox reach these. */
    public Set<String> addresses() {
        Set<String> all = new LinkedHashSet<>();
        all.add(address());
        companyAddress().ifPresent(all::add);
        return Collections.unmodifiableSet(all);
    }

    /** True when learners push to real Docker Hub. */
    public boolean dockerHub() {
        return dockerHub;
    }

    /** The registry as learners write it in image names: {@code localhost:PORT}, or {@code docker.io}. */
    public String address() {
        return dockerHub ? "docker.io" : "localhost:" + port;
    }

    /** Its {@code /v2/} endpoint, as dockstep dials it. */
    public String apiUrl() {
        return dockerHub ? "https://registry-1.docker.io/v2/" : "http://127.0.0.1:" + port + "/v2/";
    }

    /** The practice registry's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /**
     * {@code {"status":"ok"}} when the registry answers and, for the practice registry, is the one
     * dockstep started (it accepts a token signed by dockstep's key); else {@code down} with a reason.
     */
    public Map<String, String> health() {
        if (dockerHub) {
            return Probes.registry(apiUrl(), Optional.empty());
        }
        if (registry == null) {
            return Probes.down("the practice registry is not running");
        }
        Map<String, String> probe = Probes.registry(apiUrl(), Optional.of(tokens.probeToken()));
        Optional<String> trouble = supervisor == null ? Optional.empty() : supervisor.trouble();
        if (trouble.isPresent()) {
            return Probes.down(trouble.get() + ("ok".equals(probe.get("status")) ? "" : "; " + probe.get("reason")));
        }
        if (!"ok".equals(probe.get("status")) || companyPort == 0) {
            return probe;
        }
        // One part for both: a lesson that needs the company registry fails as surely as one that needs the first.
        if (company == null) {
            return Probes.down("the company registry is not running");
        }
        Map<String, String> companyProbe = Probes.registry("http://127.0.0.1:" + companyPort + "/v2/",
                Optional.of(tokens.probeToken()));
        Optional<String> companyTrouble = companySupervisor == null ? Optional.empty() : companySupervisor.trouble();
        if (companyTrouble.isPresent()) {
            return Probes.down(companyTrouble.get());
        }
        return "ok".equals(companyProbe.get("status")) ? probe
                : Probes.down("the company registry: " + companyProbe.get("reason"));
    }

    /** The practice registry's token server, once it has started; empty for Docker Hub. */
    public Optional<TokenService> tokens() {
        return dockerHub || registry == null ? Optional.empty() : Optional.of(tokens);
    }

    /** The identity dockstep's checks read the practice registry as: it may pull, nothing else. */
    public Optional<ServiceIdentity> checksIdentity() {
        return tokens().map(TokenService::checks);
    }

    /** The identity the repository pages use: it may also list the registry and delete tags. */
    public Optional<ServiceIdentity> pagesIdentity() {
        return tokens().map(TokenService::pages);
    }

    public Optional<PracticeRegistry> process() {
        return Optional.ofNullable(registry);
    }

    /** The company registry's process, while it runs. */
    public Optional<PracticeRegistry> companyProcess() {
        return Optional.ofNullable(company);
    }

    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.close();
            supervisor = null;
        }
        if (companySupervisor != null) {
            companySupervisor.close();
            companySupervisor = null;
        }
        PracticeRegistry running = registry;
        PracticeRegistry runningCompany = company;
        registry = null;
        company = null;
        try {
            if (running != null) {
                running.close();
            }
            if (runningCompany != null) {
                runningCompany.close();
            }
        } finally {
            if (tokens != null) {
                tokens.close();
            }
        }
    }
}
