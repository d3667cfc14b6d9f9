package dev.dockstep.check;

/**
 * What one check concluded. A verdict is a value, never an exception: a daemon that is down is
 * {@link Unavailable}, not an error page.
 */
public sealed interface Verdict {
    /** One sentence for the learner: what was expected and what was found. */
    String reason();

    /** The next thing to try, or null when the check passed. */
    String hint();

    /** {@code passed}, {@code failed} or {@code unavailable}, as the API shows it. */
    String status();

    default boolean passed() {
        return this instanceof Passed;
    }

    /** The check holds; {@code reason} says what was found. */
    record Passed(String reason) implements Verdict {
        @Override
        public String hint() {
            return null;
        }

        @Override
        public String status() {
            return "passed";
        }
    }

    /** The check does not hold. */
    record Failed(String reason, String hint) implements Verdict {
        @Override
        public String status() {
            return "failed";
        }
    }

    /** The check could not be made: Docker or the registry is unreachable, or it timed out. */
    record Unavailable(String reason, String hint) implements Verdict {
        @Override
        public String status() {
            return "unavailable";
        }
    }
}
