package dev.dockstep.web;

import dev.dockstep.lesson.LessonRenderer;
import java.util.regex.Pattern;

/**
 * Markdown that is not a lesson's body, rendered for a page: summaries, and the reasons and hints
 * of verdicts. It goes through the lessons' one renderer, which escapes raw HTML; verdicts may
 * quote what a learner typed (a registry name in their config file), so their links and images
 * are dropped too, keeping the words.
 */
final class Prose {
    private static final Pattern LINK_OR_IMAGE = Pattern.compile("</?a\\b[^>]*>|<img\\b[^>]*>");

    private final LessonRenderer renderer;

    Prose(LessonRenderer renderer) {
        this.renderer = renderer;
    }

    /** An author's one-paragraph markdown (a summary) as inline HTML. */
    String inline(String markdown) {
        return unwrap(renderer.render(markdown == null ? "" : markdown));
    }

    /** A verdict's reason or hint as inline HTML, without links or images. */
    String verdict(String markdown) {
        if (markdown == null) {
            return null;
        }
        return LINK_OR_IMAGE.matcher(unwrap(renderer.renderOnce(markdown))).replaceAll("");
    }

    /** A rendered paragraph without the {@code <p>} around it. */
    static String unwrap(String html) {
        String text = html.strip();
        if (text.startsWith("<p>") && text.endsWith("</p>") && text.indexOf("<p>", 3) < 0) {
            return text.substring(3, text.length() - 4);
        }
        return text;
    }
}
