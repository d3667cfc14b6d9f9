package dev.dockstep.terminal;
/**
 * Who a learner's shell runs as and what it may reach. The sandbox provider makes one per learner.
 * @param learner the dockstep user name (shown in the prompt)
 * @param uid, gid the Linux user the shell runs as; empty means the server's own user (a single learner on their own machine)
 * @param home the learner's home folder, kept across reloads and restarts (created by the provider, owned by uid)
 * @param dockerSocket the unix socket the learner's docker CLI must use (their gate), mounted in the jail
 * @param dockerConfig the learner's DOCKER_CONFIG folder, mounted in the jail
 */
public record ShellAccount(String learner, java.util.OptionalInt uid, java.util.OptionalInt gid,
                           java.nio.file.Path home, java.nio.file.Path dockerSocket, java.nio.file.Path dockerConfig) {}
