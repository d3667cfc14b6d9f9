package dev.dockstep.web;

/**
 * Lesson tables on a narrow screen: each sits in a box of its own that scrolls sideways, so a
 * cell never has to break a word (or a long image name) to fit 360 px, and the page itself
 * never scrolls sideways. The box takes the keyboard's focus, so it can be scrolled without a mouse.
 */
final class Tables {
    private Tables() {
    }

    /** Rendered lesson HTML with each table in a scrolling box; raw HTML in lessons is escaped, so every {@code <table>} is one. */
    static String scrollable(String html) {
        if (!html.contains("<table>")) {
            return html;
        }
        return html.replace("<table>", "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table,"
                + " scrolls sideways\"><table>").replace("</table>", "</table></div>");
    }
}
