package dev.dockstep.lesson;

import com.vladsch.flexmark.ast.BulletList;
import com.vladsch.flexmark.ast.FencedCodeBlock;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.ext.gfm.tasklist.TaskListItem;
import com.vladsch.flexmark.ext.yaml.front.matter.YamlFrontMatterBlock;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.misc.CharPredicate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A lesson's body read from flexmark's tree of the file: the intro, then one step per top-level
 * {@code ## } heading, with the special blocks ({@code check}, {@code hint}, {@code solution},
 * {@code quiz}) taken out of the text. The text that is left is rendered from the same tree, so
 * whatever the page shows as a heading or as code is what the loader took for one.
 */
final class LessonBody {
    private static final List<String> SPECIAL_BLOCKS = List.of("check", "hint", "solution", "quiz", "page");

    private final Path file;
    private final Document tree;
    private final LessonRenderer markdown;
    private final CheckArguments arguments;
    private final List<Problem> problems;

    private LessonBody(Path file, Document tree, LessonRenderer markdown, CheckArguments arguments,
                       List<Problem> problems) {
        this.file = file;
        this.tree = tree;
        this.markdown = markdown;
        this.arguments = arguments;
        this.problems = problems;
    }

    /** The intro's HTML and the steps. */
    record Parsed(String introHtml, List<Step> steps) {
    }

    /**
     * Reads the body of {@code tree}, adding what is wrong to {@code problems}. The tree's blocks
     * move into the rendered pieces, so it is used up.
     */
    static Parsed parse(Path file, Document tree, LessonRenderer markdown, CheckArguments arguments,
                        List<Problem> problems) {
        return new LessonBody(file, tree, markdown, arguments, problems).parse();
    }

    private Parsed parse() {
        reportMisplacedStructure();
        List<Node> intro = new ArrayList<>();
        List<StepBuilder> steps = new ArrayList<>();
        for (Node node : tree.getChildren()) {
            StepBuilder current = steps.isEmpty() ? null : steps.get(steps.size() - 1);
            if (node instanceof YamlFrontMatterBlock) {
                continue;
            }
            if (node instanceof Heading heading && isStep(heading)) {
                String title = heading.getText().toString().strip();
                if (title.isEmpty()) {
                    problems.add(Problem.error(file, line(heading), "a step needs a title after '## '"));
                }
                steps.add(new StepBuilder(title, line(heading)));
            } else if (node instanceof FencedCodeBlock block && special(block).isPresent()) {
                if (!block.getClosingMarker().isEmpty()) {
                    // An unclosed one is reported already; its content is not what the author meant.
                    String kind = special(block).get();
                    if (current == null) {
                        problems.add(Problem.error(file, line(block), "a '" + kind
                                + "' block must stand inside a step, after a '## ' heading"));
                    } else {
                        current.add(kind, block.getContentChars().toString(), line(block));
                    }
                }
            } else if (current == null) {
                intro.add(node);
            } else {
                current.text.add(node);
            }
        }
        // Rendering moves the blocks out of the tree, so it comes after every look at the tree.
        String introHtml = markdown.render(intro, tree);
        List<Step> built = new ArrayList<>();
        for (StepBuilder step : steps) {
            built.add(step.build(markdown.render(step.text, tree)));
        }
        return new Parsed(introHtml, built);
    }

    /**
     * Problems anywhere in the tree: a fence never closed, a special block inside a list or a
     * quote (the page would show it as code, and nothing would read it), and a level-2 heading
     * that the page would show like a step's but that does not start one.
     */
    private void reportMisplacedStructure() {
        for (Node node : tree.getDescendants()) {
            boolean topLevel = node.getParent() == tree;
            if (node instanceof FencedCodeBlock block) {
                if (block.getClosingMarker().isEmpty()) {
                    problems.add(Problem.error(file, line(block), "this code fence is never closed; add a line with "
                            + block.getOpeningMarker()));
                } else if (!topLevel && special(block).isPresent()) {
                    problems.add(Problem.error(file, line(block), "a '" + special(block).get() + "' block must stand"
                            + " on its own at the start of a line, not inside a list or a quote"));
                }
                ShellBlocks.problem(block).ifPresent(problem -> problems.add(Problem.error(file, line(block), problem)));
            } else if (node instanceof Heading heading && heading.getLevel() == 2 && !isStep(heading)) {
                String text = heading.getText().toString().strip();
                problems.add(Problem.error(file, line(heading), !topLevel
                        ? "a '## ' heading inside a list or a quote does not start a step; use '###' there"
                        : "the '---' under '" + text + "' makes it a heading that does not start a step; write '## "
                        + text + "' to start a step, or leave a blank line before '---' to draw a line"));
            }
        }
    }

    private boolean isStep(Heading heading) {
        return heading.getLevel() == 2 && heading.isAtxHeading() && heading.getParent() == tree;
    }

    /** The special block a fence is ({@code check}, ...), by the first word of its info string. */
    private static Optional<String> special(FencedCodeBlock block) {
        // The first word, as the renderer takes it for the code's language.
        String language = block.getInfoDelimitedByAny(CharPredicate.SPACE_TAB).toString().toLowerCase(Locale.ROOT);
        return SPECIAL_BLOCKS.contains(language) ? Optional.of(language) : Optional.empty();
    }

    /** The 1-based line on which a node starts. */
    private static int line(Node node) {
        return node.getStartLineNumber() + 1;
    }

    private final class StepBuilder {
        final String title;
        final int line;
        final List<Node> text = new ArrayList<>();
        final List<Check> checks = new ArrayList<>();
        final List<String> hints = new ArrayList<>();
        final List<PageAction> page = new ArrayList<>();
        String solution = "";
        Quiz quiz;
        int quizLine;

        StepBuilder(String title, int line) {
            this.title = title;
            this.line = line;
        }

        void add(String block, String content, int fenceLine) {
            switch (block) {
                case "check" -> parseChecks(content, fenceLine);
                case "hint" -> hints.add(content.strip());
                case "solution" -> solution = content.strip();
                case "quiz" -> parseQuiz(content, fenceLine);
                case "page" -> parsePage(content, fenceLine);
                default -> throw new IllegalStateException("not a special block: " + block);
            }
        }

        /**
         * A check block is a little language of its own, not markdown: one check a line, the
         * kind and its arguments between spaces, and '#' to the end of the line a comment.
         */
        private void parseChecks(String content, int fenceLine) {
            eachLine(content, fenceLine, (number, words) -> {
                Check check = new Check(words.get(0), words.subList(1, words.size()), number);
                // Arguments are judged as a learner would have them, with sample values for the variables.
                Variables sample = Variables.sample();
                arguments.problem(check.kind(), check.args().stream().map(sample::apply).toList())
                        .ifPresent(problem -> problems.add(Problem.error(file, number, problem
                                + (check.args().stream().anyMatch(a -> a.contains("{{")) ? " (with sample values "
                                + shown(sample, check.args()) + ")" : ""))));
                checks.add(check);
            });
        }

        /** A page block: one action a line, as a check block is written. */
        private void parsePage(String content, int fenceLine) {
            eachLine(content, fenceLine, (number, words) -> {
                PageAction action = new PageAction(words.get(0), words.subList(1, words.size()), number);
                Variables sample = Variables.sample();
                PageAction.problem(action.action(), action.args().stream().map(sample::apply).toList())
                        .ifPresent(problem -> problems.add(Problem.error(file, number, problem)));
                page.add(action);
            });
        }

        /** The words of each line of a check or page block, with its line number; '#' starts a comment. */
        private static void eachLine(String content, int fenceLine,
                                     java.util.function.BiConsumer<Integer, List<String>> line) {
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String text = lines[i].replaceFirst("(^|\\s)#.*$", "").strip();
                if (!text.isEmpty()) {
                    line.accept(fenceLine + 1 + i, Arrays.asList(text.split("\\s+")));
                }
            }
        }

        /** The sample values to quote: the company registry's only when the check names one of them. */
        private static java.util.Map<String, String> shown(Variables sample, List<String> args) {
            java.util.Map<String, String> values = new java.util.LinkedHashMap<>(sample.asMap());
            boolean company = args.stream().anyMatch(a -> a.contains("{{company_"));
            if (!company) {
                values.keySet().removeAll(Variables.COMPANY_NAMES);
            }
            return values;
        }

        /**
         * A quiz is markdown: a question, then a task list whose ticked items are the right
         * answers. It is parsed with the same parser as the page, so an option is whatever the
         * page would show as a list item.
         */
        private void parseQuiz(String content, int fenceLine) {
            if (quiz != null) {
                problems.add(Problem.error(file, fenceLine, "a step holds one quiz; this one follows the quiz at line "
                        + quizLine));
                return;
            }
            Document parsed = markdown.parseFragment(content);
            Node list = parsed.getFirstChild();
            while (list != null && !isOptionList(list)) {
                list = list.getNext();
            }
            String question = (list == null ? content : content.substring(0, list.getStartOffset())).strip();
            List<Quiz.Option> options = new ArrayList<>();
            if (list != null) {
                for (Node item : list.getChildren()) {
                    if (item instanceof TaskListItem option && option.getFirstChild() != null) {
                        String text = content.substring(option.getFirstChild().getStartOffset(), option.getEndOffset());
                        options.add(new Quiz.Option(String.join(" ", text.strip().lines().map(String::strip)
                                .filter(l -> !l.isEmpty()).toList()), option.isItemDoneMarker()));
                    } else {
                        problems.add(Problem.error(file, fenceLine + 1 + item.getStartLineNumber(), "each quiz option"
                                + " is written '- [ ] wrong' or '- [x] right'"));
                    }
                }
                if (list.getNext() != null) {
                    problems.add(Problem.error(file, fenceLine + 1 + list.getNext().getStartLineNumber(),
                            "the quiz's options must come last; put the text before them, in the question"));
                }
            }
            if (question.isBlank()) {
                problems.add(Problem.error(file, fenceLine, "the quiz has no question before its options"));
            }
            if (options.size() < 2) {
                problems.add(Problem.error(file, fenceLine, "the quiz needs at least two options, written '- [ ] wrong'"
                        + " and '- [x] right'"));
            } else if (options.stream().noneMatch(Quiz.Option::right)) {
                problems.add(Problem.error(file, fenceLine, "the quiz has no right answer; mark it '- [x] ...'"));
            }
            quiz = new Quiz(question, options);
            quizLine = fenceLine;
        }

        private static boolean isOptionList(Node node) {
            if (node instanceof BulletList) {
                for (Node item : node.getChildren()) {
                    if (item instanceof TaskListItem) {
                        return true;
                    }
                }
            }
            return false;
        }

        Step build(String html) {
            if (!page.isEmpty() && checks.isEmpty()) {
                problems.add(Problem.error(file, page.get(0).line(), "a 'page' block belongs to an exercise step,"
                        + " beside its 'check' block"));
            }
            if (quiz != null && (!checks.isEmpty() || !solution.isEmpty())) {
                problems.add(Problem.error(file, quizLine, "step '" + title
                        + "' has a quiz and also checks or a solution; a step is either an exercise or a quiz"));
            }
            return new Step(LessonLoader.slug(title), title, html, checks, hints, solution, page,
                    Optional.ofNullable(quiz), line);
        }
    }
}
