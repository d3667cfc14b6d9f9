package dev.dockstep.registry.token;

/** Who a token is for: a learner (by password or access token), one of dockstep's own identities, or nobody. */
public sealed interface Principal {
    /** The token's {@code sub} claim. */
    String subject();

    /**
     * A learner signed in to the registry.
     *
     * @param scope what the credential allows: everything for a password, the token's scope for an access token
     * @param tokenId the access token used, or null for the password
     */
    record Learner(String name, Scope scope, String tokenId) implements Principal {
        @Override
        public String subject() {
            return name;
        }
    }

    /**
     * dockstep itself: the checks read as one identity, the repository pages list and delete as another.
     *
     * @param mayDelete whether it may delete manifests and list the whole registry (the pages), or only pull (the checks)
     */
    record Service(String name, boolean mayDelete) implements Principal {
        @Override
        public String subject() {
            return name;
        }
    }

    /** No credentials: the token opens nothing but the registry's version check. */
    record Anonymous() implements Principal {
        @Override
        public String subject() {
            return "";
        }
    }
}
