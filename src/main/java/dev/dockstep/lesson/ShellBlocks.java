package dev.dockstep.lesson;

import com.vladsch.flexmark.ast.FencedCodeBlock;
import com.vladsch.flexmark.html.AttributeProvider;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.html.IndependentAttributeProviderFactory;
import com.vladsch.flexmark.html.renderer.AttributablePart;
import com.vladsch.flexmark.html.renderer.LinkResolverContext;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataHolder;
import com.vladsch.flexmark.util.html.MutableAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Shell blocks get a Run button that types their commands into the learner's terminal. Authors
 * choose how with the words after the language: {@code sh} runs, {@code sh copy} only offers
 * Copy (for commands to read, or that belong elsewhere), and {@code sh interrupt} presses Ctrl-C
 * first (for a command the terminal may still be running). The page reads it from
 * {@code data-run} on the block's {@code <pre>}.
 */
final class ShellBlocks {
    /** The languages that are shell commands. */
    static final Set<String> SHELLS = Set.of("sh", "bash", "shell", "console");
    /** What a shell block's Run button does. */
    static final List<String> MODES = List.of("run", "copy", "interrupt");

    private ShellBlocks() {
    }

    /**
     * For a shell block, how it runs: {@code run}, {@code copy} or {@code interrupt}; empty for
     * any other block. An option that is not one of them is {@link #problem}'s to report.
     */
    static Optional<String> mode(FencedCodeBlock block) {
        List<String> words = words(block);
        if (words.isEmpty() || !SHELLS.contains(words.get(0))) {
            return Optional.empty();
        }
        return Optional.of(words.size() > 1 && MODES.contains(words.get(1)) ? words.get(1) : "run");
    }

    /** What is wrong with a shell block's options, if anything. */
    static Optional<String> problem(FencedCodeBlock block) {
        List<String> words = words(block);
        if (words.isEmpty() || !SHELLS.contains(words.get(0))) {
            return Optional.empty();
        }
        for (String option : words.subList(1, words.size())) {
            if (!option.equals("copy") && !option.equals("interrupt")) {
                return Optional.of("'" + option + "' is not an option of a shell block; write '" + words.get(0)
                        + "' (a Run button), '" + words.get(0) + " copy' (Copy only) or '" + words.get(0)
                        + " interrupt' (Ctrl-C, then run)");
            }
        }
        if (words.size() > 2) {
            return Optional.of("a shell block takes one option, 'copy' or 'interrupt', not " + (words.size() - 1));
        }
        return Optional.empty();
    }

    private static List<String> words(FencedCodeBlock block) {
        String info = block.getInfo().toString().strip().toLowerCase(Locale.ROOT);
        return info.isEmpty() ? List.of() : Arrays.asList(info.split("\\s+"));
    }

    /** Puts {@code data-run} on every shell block's {@code <pre>}. */
    static final class RunAttributes implements HtmlRenderer.HtmlRendererExtension {
        @Override
        public void rendererOptions(MutableDataHolder options) {
        }

        @Override
        public void extend(HtmlRenderer.Builder builder, String rendererType) {
            builder.attributeProviderFactory(new IndependentAttributeProviderFactory() {
                @Override
                public AttributeProvider apply(LinkResolverContext context) {
                    return ShellBlocks::attributes;
                }
            });
        }
    }

    private static void attributes(Node node, AttributablePart part, MutableAttributes attributes) {
        if (part == AttributablePart.NODE && node instanceof FencedCodeBlock block) {
            mode(block).ifPresent(mode -> attributes.addValue("data-run", mode));
        }
    }
}
