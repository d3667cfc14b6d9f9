package dev.dockstep.common;

/** One-line messages from exceptions, for people: the cause that says what happened, its first line. */
public final class Messages {
    private Messages() {
    }

    /** The innermost cause of {@code e}: usually the one that names what really went wrong. */
    public static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The first line of {@code message}, stripped; {@code fallback} when there is none. */
    public static String firstLine(String message, String fallback) {
        if (message == null || message.isBlank()) {
            return fallback;
        }
        return message.strip().lines().findFirst().orElse(fallback);
    }

    /** The first line of what {@code e} says, or its class's name when it says nothing. */
    public static String firstLine(Throwable e) {
        return firstLine(e.getMessage(), e.getClass().getSimpleName());
    }

    /** The first line of what the root cause of {@code e} says. */
    public static String rootLine(Throwable e) {
        return firstLine(rootCause(e));
    }

    /** {@code text} as a sentence: a capital first letter and a full stop. */
    public static String sentence(String text) {
        if (text == null || text.isBlank()) {
            return "Something went wrong.";
        }
        String stripped = text.strip();
        String capital = Character.toUpperCase(stripped.charAt(0)) + stripped.substring(1);
        return capital.endsWith(".") || capital.endsWith("?") || capital.endsWith("!") ? capital : capital + ".";
    }
}
