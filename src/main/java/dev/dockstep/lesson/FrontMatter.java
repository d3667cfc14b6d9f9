package dev.dockstep.lesson;

import com.vladsch.flexmark.ext.yaml.front.matter.YamlFrontMatterBlock;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.sequence.BasedSequence;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A file's YAML front matter. flexmark finds the block (so the body's tree starts where the
 * front matter ends); snakeyaml reads the YAML in it, and each key keeps its line in the file.
 */
final class FrontMatter {
    private final Path file;
    private final Map<String, Object> values;
    private final Map<String, Integer> keyLines;
    private final int endLine;

    private FrontMatter(Path file, Map<String, Object> values, Map<String, Integer> keyLines, int endLine) {
        this.file = file;
        this.values = values;
        this.keyLines = keyLines;
        this.endLine = endLine;
    }

    /** The front matter at the top of {@code tree}, or empty after adding the problem to {@code problems}. */
    static Optional<FrontMatter> read(Path file, Document tree, List<Problem> problems) {
        if (!(tree.getFirstChild() instanceof YamlFrontMatterBlock block) || block.getStartLineNumber() != 0) {
            problems.add(Problem.error(file, 1, "the file must start with front matter between '---' lines"));
            return Optional.empty();
        }
        List<BasedSequence> lines = block.getContentLines();
        if (lines.size() < 2 || !closes(lines.get(lines.size() - 1).toString())) {
            problems.add(Problem.error(file, 1, "the front matter has no closing '---' line"));
            return Optional.empty();
        }
        StringBuilder yaml = new StringBuilder();
        lines.subList(1, lines.size() - 1).forEach(yaml::append);
        int firstLine = block.getStartLineNumber() + 2;
        Yaml parser = new Yaml(new SafeConstructor(new LoaderOptions()));
        Object parsed;
        Node root;
        try {
            root = parser.compose(new StringReader(yaml.toString()));
            parsed = parser.load(yaml.toString());
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : firstLine + e.getProblemMark().getLine();
            problems.add(Problem.error(file, line, "the front matter is not valid YAML: " + e.getProblem()));
            return Optional.empty();
        } catch (YAMLException e) {
            problems.add(Problem.error(file, firstLine, "the front matter is not valid YAML: " + e.getMessage()));
            return Optional.empty();
        }
        if (parsed != null && !(parsed instanceof Map)) {
            problems.add(Problem.error(file, firstLine, "the front matter must be a set of 'key: value' lines"));
            return Optional.empty();
        }
        Map<String, Integer> keyLines = new HashMap<>();
        if (root instanceof MappingNode mapping) {
            for (NodeTuple entry : mapping.getValue()) {
                if (entry.getKeyNode() instanceof ScalarNode key) {
                    keyLines.putIfAbsent(key.getValue(), firstLine + key.getStartMark().getLine());
                }
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = parsed == null ? Map.of() : (Map<String, Object>) parsed;
        return Optional.of(new FrontMatter(file, values, keyLines, block.getEndLineNumber() + 1));
    }

    /** Whether a line ends a front matter block, by the same rule flexmark's block parser uses. */
    private static boolean closes(String line) {
        String text = line.stripTrailing();
        return (text.startsWith("---") || text.startsWith("..."))
                && (text.length() == 3 || Character.isWhitespace(text.charAt(3)));
    }

    /** The 1-based line of the body's first line, just after the closing '---'. */
    int bodyStart() {
        return endLine + 1;
    }

    private int lineOf(String key) {
        return keyLines.getOrDefault(key, 1);
    }

    String string(String key, List<Problem> problems) {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            problems.add(Problem.error(file, lineOf(key), "'" + key + "' must be text"));
            return null;
        }
        String text = value.toString().strip();
        return text.isEmpty() ? null : text;
    }

    String stringOr(String key, String fallback, List<Problem> problems) {
        String value = string(key, problems);
        return value == null ? fallback : value;
    }

    /** One of {@code allowed} (the first when the key is absent); anything else is an error naming them. */
    String oneOf(String key, List<String> allowed, List<Problem> problems) {
        String value = string(key, problems);
        if (value == null) {
            return allowed.get(0);
        }
        if (!allowed.contains(value)) {
            problems.add(Problem.error(file, lineOf(key), "'" + key + "' must be " + String.join(" or ", allowed)
                    + ", not '" + value + "'"));
            return allowed.get(0);
        }
        return value;
    }

    Integer integer(String key, List<Problem> problems) {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Integer i && i > 0) {
            return i;
        }
        problems.add(Problem.error(file, lineOf(key), "'" + key + "' must be a whole number of minutes"));
        return null;
    }

    /** {@code help: less} (true) or {@code help: full}, the default (false). */
    boolean lessHelp(List<Problem> problems) {
        String help = string("help", problems);
        if (help == null || help.equals("full")) {
            return false;
        }
        if (help.equals("less")) {
            return true;
        }
        problems.add(Problem.error(file, lineOf("help"), "'help' must be 'full' or 'less', not '" + help + "'"));
        return false;
    }

    /** The second registries a lesson's {@code setup:} may ask for, by name. */
    static final List<String> REGISTRIES = List.of("company");

    List<String> setupImages(List<Problem> problems) {
        Object setup = values.get("setup");
        if (setup == null) {
            return List.of();
        }
        if (!(setup instanceof Map<?, ?> map) || !map.keySet().stream().allMatch(k -> k.equals("images")
                || k.equals("registries"))) {
            problems.add(Problem.error(file, lineOf("setup"), "'setup' may hold 'images: [name:tag, ...]' and"
                    + " 'registries: [company]', nothing else"));
            return List.of();
        }
        Object listed = map.get("images");
        if (listed == null) {
            return List.of();
        }
        if (!(listed instanceof List<?> list)) {
            problems.add(Problem.error(file, lineOf("setup"), "'setup' must hold 'images: [name:tag, ...]'"));
            return List.of();
        }
        List<String> images = new ArrayList<>();
        for (Object item : list) {
            String ref = String.valueOf(item);
            if (!ref.matches("[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
                problems.add(Problem.error(file, lineOf("setup"), "setup image '" + ref
                        + "' must be written name:tag, in lowercase"));
            } else {
                images.add(ref);
            }
        }
        return images;
    }

    /** {@code setup: registries: [company]}: the second registries the lesson needs; an unknown name is an error. */
    List<String> setupRegistries(List<Problem> problems) {
        if (!(values.get("setup") instanceof Map<?, ?> map) || map.get("registries") == null) {
            return List.of();
        }
        if (!(map.get("registries") instanceof List<?> list)) {
            problems.add(Problem.error(file, lineOf("setup"), "'registries' must be a list, such as 'registries: [company]'"));
            return List.of();
        }
        List<String> registries = new ArrayList<>();
        for (Object item : list) {
            String name = String.valueOf(item);
            if (!REGISTRIES.contains(name)) {
                problems.add(Problem.error(file, lineOf("setup"), "unknown registry '" + name + "' in setup; known: "
                        + String.join(", ", REGISTRIES)));
            } else if (!registries.contains(name)) {
                registries.add(name);
            }
        }
        return registries;
    }
}
