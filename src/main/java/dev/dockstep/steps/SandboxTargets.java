package dev.dockstep.steps;

import dev.dockstep.account.Learner;
import dev.dockstep.check.CredentialHelpers;
import dev.dockstep.check.Daemons;
import dev.dockstep.check.DockerUnavailable;
import dev.dockstep.check.RegistryRefusals;
import dev.dockstep.common.Messages;
import dev.dockstep.sandbox.RegistryService;
import dev.dockstep.sandbox.Sandbox;
import dev.dockstep.sandbox.SandboxException;
import dev.dockstep.sandbox.SandboxProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a learner's checks and live verification look, from the sandbox provider: their daemon
 * (through the checks' read-only view of it), their config folder, and how their credential
 * helpers may run.
 */
public final class SandboxTargets implements StepChecker.Targets, LiveVerifier.Sandboxes {
    private final SandboxProvider sandboxes;
    private final Daemons daemons;

    public SandboxTargets(SandboxProvider sandboxes, Daemons daemons) {
        this.sandboxes = sandboxes;
        this.daemons = daemons;
    }

    /** The learner's sandbox, started if need be; one that cannot be had is "Docker unavailable". */
    @Override
    public StepChecker.Target of(Learner learner) throws DockerUnavailable {
        Sandbox sandbox;
        try {
            sandbox = sandboxes.forLearner(learner.name());
        } catch (SandboxException e) {
            throw new DockerUnavailable(Messages.sentence(e.getMessage()), e);
        }
        // A learner with a Linux user of their own has their helpers run as them, never as the server.
        CredentialHelpers helpers = sandbox.user()
                .map(user -> CredentialHelpers.asUser(user.uid(), user.gid(), sandbox.home()))
                .orElseGet(() -> CredentialHelpers.onPath(Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin")));
        // What the practice registry's token server refused this learner, so a failing check can say why.
        RegistryService registry = sandboxes.registry();
        RegistryRefusals refusals = since -> registry.tokens()
                .map(tokens -> tokens.refusals(learner.name(), since).stream()
                        .map(r -> new RegistryRefusals.Refusal(r.at(), r.action(), Optional.ofNullable(r.repository()),
                                r.reason()))
                        .toList())
                .orElse(List.of());
        return new StepChecker.Target(daemons.of(sandbox.dockerHost()).facts(), sandbox.dockerConfig(), helpers,
                refusals);
    }

    @Override
    public CompletableFuture<LiveVerifier.Watched> prepare(String learner) {
        return sandboxes.prepare(learner).thenApply(s -> new LiveVerifier.Watched(s.dockerHost(), s.dockerConfig()));
    }

    @Override
    public AutoCloseable hold(String learner) {
        return sandboxes.hold(learner);
    }
}
