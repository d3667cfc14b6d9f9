package dev.dockstep.registry.token;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Docker Hub's rules, as one pure function: a learner pushes and deletes only in their own
 * namespace ({@code NAME/...}); anyone signed in pulls a public repository; only its owner pulls a
 * private one. A repository no one has pushed to yet is treated like a private one, so that a
 * refusal never tells a private repository from a missing one. dockstep's checks may pull
 * anything, its pages may also delete and list the registry. A client that is not signed in may
 * pull a public repository and nothing else, as on Docker Hub: that is how a learner sees, signed
 * out, what a stranger sees of their repositories.
 */
public final class AccessRules {
    /** Docker's grammar for a repository path; the registry refuses other names anyway. */
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final int MAX_NAME = 255;

    private AccessRules() {
    }

    /** In the order a refusal is explained: a refused push matters more than the pull that came with it. */
    private static final List<String> ORDER = List.of("push", "delete", "pull");

    /**
     * What the token grants of what was asked, and, when something was refused, which action and
     * why, in words that name the repository without the registry.
     */
    public record Decision(Access granted, Optional<Denial> denial) {
        public Optional<String> refusal() {
            return denial.map(Denial::reason);
        }
    }

    /** The most telling action refused, and why. */
    public record Denial(String action, String reason) {
    }

    /**
     * @param known what the server knows of the repository that {@code asked} names, if anything
     */
    public static Decision decide(Principal who, Access asked, Optional<RepositoryState> known) {
        if (asked.type().equals("registry")) {
            boolean catalog = asked.name().equals("catalog") && who instanceof Principal.Service s && s.mayDelete();
            return catalog ? grant(asked, asked.actions(), null)
                    : grant(asked, Set.of(), "only dockstep's own pages may list every repository");
        }
        if (!asked.type().equals("repository")) {
            return grant(asked, Set.of(), null);
        }
        if (!isRepositoryName(asked.name())) {
            return grant(asked, Set.of(), asked.name() + " is not a valid repository name");
        }
        if (who instanceof Principal.Learner learner) {
            return forLearner(learner, asked, known);
        }
        if (who instanceof Principal.Service service) {
            return grant(asked, service.mayDelete() ? Set.of("pull", "delete") : Set.of("pull"), null);
        }
        boolean isPublic = known.map(r -> !r.isPrivate()).orElse(false);
        return grant(asked, isPublic ? Set.of("pull") : Set.of(), "log in first, with docker login");
    }

    private static Decision forLearner(Principal.Learner learner, Access asked, Optional<RepositoryState> known) {
        String name = asked.name();
        int slash = name.indexOf('/');
        String namespace = slash < 0 ? null : name.substring(0, slash);
        boolean own = learner.name().equals(namespace);
        Set<String> granted = new LinkedHashSet<>();
        Denial refusal = null;
        List<String> actions = new ArrayList<>(asked.actions());
        actions.sort(Comparator.comparingInt(a -> ORDER.contains(a) ? ORDER.indexOf(a) : ORDER.size()));
        for (String action : actions) {
            String why = switch (action) {
                case "pull" -> own || known.map(r -> !r.isPrivate()).orElse(false) ? null
                        : name + " is private, or does not exist";
                case "push", "delete" -> {
                    if (own) {
                        yield learner.scope().allows(action) ? null : "your access token has the scope "
                                + learner.scope().label() + ", so it cannot " + action;
                    }
                    yield namespace == null
                            ? "a repository goes under your user name, as " + learner.name() + "/" + name
                            : "only " + namespace + " may " + action + " in " + namespace + "/…; use your own name, "
                                    + learner.name() + "/" + name.substring(slash + 1);
                }
                default -> "the action '" + action + "' is not offered";
            };
            if (why == null) {
                granted.add(action);
            } else if (refusal == null) {
                refusal = new Denial(action, why);
            }
        }
        return new Decision(asked.granting(granted), Optional.ofNullable(refusal));
    }

    /** Grants what is both asked and allowed; anything else refused is explained by {@code why}, if given. */
    private static Decision grant(Access asked, Set<String> allowed, String why) {
        Access granted = asked.granting(intersect(asked.actions(), allowed));
        if (granted.actions().containsAll(asked.actions()) || why == null) {
            return new Decision(granted, Optional.empty());
        }
        List<String> refused = new ArrayList<>(asked.actions());
        refused.removeAll(granted.actions());
        refused.sort(Comparator.comparingInt(a -> ORDER.contains(a) ? ORDER.indexOf(a) : ORDER.size()));
        return new Decision(granted, Optional.of(new Denial(refused.get(0), why)));
    }

    private static Set<String> intersect(Set<String> asked, Set<String> allowed) {
        Set<String> both = new LinkedHashSet<>(asked);
        both.retainAll(allowed);
        return both;
    }

    /** Whether {@code name} is a repository path by Docker's grammar: {@code alice/backend}. */
    public static boolean isRepositoryName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        for (String component : name.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The learner whose namespace a repository is in: its first component, when it has more than one. */
    public static Optional<String> owner(String repository) {
        int slash = repository.indexOf('/');
        return slash <= 0 ? Optional.empty() : Optional.of(repository.substring(0, slash));
    }
}
