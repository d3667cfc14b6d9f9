package dev.dockstep.registry.token;

/**
 * One of dockstep's own identities at the token server. Its secret is random, lives only in
 * memory and changes every start; learner names cannot contain '-', so no learner can take its name.
 */
public record ServiceIdentity(String user, String secret) {
    @Override
    public String toString() {
        return "ServiceIdentity[" + user + ", secret hidden]";
    }
}
