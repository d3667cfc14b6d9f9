package dev.dockstep.lesson;

import com.vladsch.flexmark.ext.anchorlink.AnchorLinkExtension;
import com.vladsch.flexmark.ext.autolink.AutolinkExtension;
import com.vladsch.flexmark.ext.gfm.strikethrough.StrikethroughExtension;
import com.vladsch.flexmark.ext.gfm.tasklist.TaskListExtension;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.ext.yaml.front.matter.YamlFrontMatterExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.misc.Extension;
import java.util.ArrayList;
import java.util.List;

/**
 * Markdown for lessons, in one configuration: the loader parses each lesson file with it, and the
 * parts of that one tree are rendered with it, so what the loader takes for a step, a special
 * block or code is exactly what the page shows. Raw HTML in a lesson is escaped, not passed
 * through, and variables are replaced after rendering with escaped values (see
 * {@link Variables#applyToHtml}).
 */
public final class LessonRenderer {
    private final Parser fragments;
    private final Parser files;
    private final HtmlRenderer renderer;

    public LessonRenderer() {
        List<Extension> extensions = List.of(TablesExtension.create(), AutolinkExtension.create(),
                TaskListExtension.create(), StrikethroughExtension.create(), AnchorLinkExtension.create(),
                new ShellBlocks.RunAttributes());
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, extensions);
        options.set(HtmlRenderer.ESCAPE_HTML, true);
        options.set(HtmlRenderer.GENERATE_HEADER_ID, true);
        options.set(HtmlRenderer.FENCED_CODE_LANGUAGE_CLASS_PREFIX, "language-");
        options.set(AnchorLinkExtension.ANCHORLINKS_WRAP_TEXT, false);
        this.fragments = Parser.builder(options).build();
        this.renderer = HtmlRenderer.builder(options).build();
        // Only a whole file may open with front matter: a hint that starts with '---' is a rule.
        List<Extension> withFrontMatter = new ArrayList<>(extensions);
        withFrontMatter.add(YamlFrontMatterExtension.create());
        this.files = Parser.builder(new MutableDataSet(options).set(Parser.EXTENSIONS, withFrontMatter)).build();
    }

    /**
     * Renders a piece of markdown that stands on its own (a hint, a quiz's question or option),
     * whose variables are still {@code {{name}}} placeholders. Lesson text is the same for every
     * learner, so each piece is rendered once and kept, up to what a catalog holds; repeated
     * edits under --watch push the oldest out.
     */
    public String render(String markdown) {
        return rendered.get(markdown, text -> renderer.render(fragments.parse(text)));
    }

    /**
     * Renders markdown that is not lesson text, such as a verdict's reason, which differs for
     * each learner: not kept, so it cannot crowd the lessons' pieces out of the cache.
     */
    public String renderOnce(String markdown) {
        return renderer.render(fragments.parse(markdown));
    }

    /** Parses a whole lesson file, front matter included: the one parse the loader reads. */
    Document parseFile(String text) {
        return files.parse(text);
    }

    /** Parses the text of a block that stands on its own, such as a quiz. */
    Document parseFragment(String text) {
        return fragments.parse(text);
    }

    /**
     * Renders top-level blocks of a parsed file as one piece of a page (an intro or a step).
     * The blocks move into a document of their own, so header ids are counted per piece; that
     * document keeps the file's options and reference definitions, so a link may name a
     * reference written anywhere in the file.
     */
    String render(List<Node> blocks, Document file) {
        Document piece = new Document(file, file.getChars());
        for (Node block : blocks) {
            piece.appendChild(block);
        }
        return renderer.render(piece);
    }

    private final com.github.benmanes.caffeine.cache.Cache<String, String> rendered =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();
}
