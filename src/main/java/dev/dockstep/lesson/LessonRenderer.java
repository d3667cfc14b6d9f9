package dev.dockstep.lesson;

import com.vladsch.flexmark.ext.anchorlink.AnchorLinkExtension;
import com.vladsch.flexmark.ext.autolink.AutolinkExtension;
import com.vladsch.flexmark.ext.gfm.strikethrough.StrikethroughExtension;
import com.vladsch.flexmark.ext.gfm.tasklist.TaskListExtension;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.data.MutableDataSet;
import java.util.List;

/**
 * Markdown to HTML for lesson text. Raw HTML in a lesson is escaped, not passed through, and
 * variables are replaced after rendering with escaped values (see {@link Variables#applyToHtml}).
 */
public final class LessonRenderer {
    private final Parser parser;
    private final HtmlRenderer renderer;

    public LessonRenderer() {
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, List.of(TablesExtension.create(), AutolinkExtension.create(),
                TaskListExtension.create(), StrikethroughExtension.create(), AnchorLinkExtension.create()));
        options.set(HtmlRenderer.ESCAPE_HTML, true);
        options.set(HtmlRenderer.GENERATE_HEADER_ID, true);
        options.set(HtmlRenderer.FENCED_CODE_LANGUAGE_CLASS_PREFIX, "language-");
        options.set(AnchorLinkExtension.ANCHORLINKS_WRAP_TEXT, false);
        this.parser = Parser.builder(options).build();
        this.renderer = HtmlRenderer.builder(options).build();
    }

    /**
     * Renders markdown whose variables are still {@code {{name}}} placeholders. Lesson text is
     * the same for every learner, so each piece is rendered once; the cache is emptied when it
     * grows past what a catalog holds, which only repeated edits under --watch can cause.
     */
    public String render(String markdown) {
        String html = rendered.get(markdown);
        if (html == null) {
            html = renderer.render(parser.parse(markdown));
            if (rendered.size() > 10_000) {
                rendered.clear();
            }
            rendered.put(markdown, html);
        }
        return html;
    }

    private final java.util.Map<String, String> rendered = new java.util.concurrent.ConcurrentHashMap<>();
}
