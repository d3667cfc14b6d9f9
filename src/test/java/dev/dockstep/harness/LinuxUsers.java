package dev.dockstep.harness;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Throwaway Linux users for a test class (the tests run as root): each named with a prefix and
 * random letters of its own, and deleted with its group after the class, whether its tests
 * passed or not.
 *
 * <pre>{@code @RegisterExtension static final LinuxUsers users = new LinuxUsers("dsterm");}</pre>
 */
public final class LinuxUsers implements AfterAllCallback {
    private final String prefix;
    private final List<User> created = new ArrayList<>();

    /** A user that exists until the class ends. */
    public record User(String name, int uid, int gid) {
    }

    public LinuxUsers(String prefix) {
        this.prefix = prefix;
    }

    /** Creates a system user with a group of its own, no home and no login shell. */
    public synchronized User create() {
        String name = prefix + randomLetters(6);
        Cli.run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name),
                Map.of(), null).requireSuccess();
        int uid = Integer.parseInt(Cli.run(List.of("id", "-u", name), Map.of(), null).requireSuccess().output().trim());
        int gid = Integer.parseInt(Cli.run(List.of("id", "-g", name), Map.of(), null).requireSuccess().output().trim());
        User user = new User(name, uid, gid);
        created.add(user);
        return user;
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        List<String> failures = new ArrayList<>();
        for (User user : created) {
            Cli.Result result = Cli.run(List.of("userdel", user.name()), Map.of(), null);
            if (result.exitCode() != 0) {
                failures.add(user.name() + ": " + result.output().strip());
            }
        }
        created.clear();
        if (!failures.isEmpty()) {
            throw new AssertionError("could not delete the test's Linux users: " + failures);
        }
    }

    private static String randomLetters(int count) {
        SecureRandom random = new SecureRandom();
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < count; i++) {
            letters.append((char) ('a' + random.nextInt(26)));
        }
        return letters.toString();
    }
}
