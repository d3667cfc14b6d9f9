package dev.dockstep.registry.token;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code scope} a client asks the token server for, {@code repository:alice/app:pull,push},
 * and, in a token, what it grants. The type may carry a class, {@code repository(plugin)}.
 */
public record Access(String type, String name, Set<String> actions) {
    public Access {
        actions = Set.copyOf(actions);
    }

    /** {@code type:name:action,action}, or empty when it is not that shape. */
    public static Optional<Access> parse(String scope) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first <= 0 || last == first || last == scope.length() - 1) {
            return Optional.empty();
        }
        String type = scope.substring(0, first);
        int paren = type.indexOf('(');
        if (paren > 0 && type.endsWith(")")) {
            type = type.substring(0, paren);
        }
        Set<String> actions = new LinkedHashSet<>(List.of(scope.substring(last + 1).split(",")));
        actions.remove("");
        return Optional.of(new Access(type, scope.substring(first + 1, last), actions));
    }

    /** The same resource with only {@code granted}. */
    public Access granting(Set<String> granted) {
        return new Access(type, name, granted);
    }
}
