package dev.dockstep.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.common.Messages;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The words of verdicts. A reason or hint is markdown that the page renders (escaped) and a
 * script reads as text, so names go in code spans, and every reason is a sentence: no daemon's
 * raw {@code Status 500: {"message":…}}, no line breaks, a capital first and a full stop last.
 */
public final class Sentences {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** docker-java's message for a daemon's error answer: {@code Status 500: {"message":"…"}}. */
    private static final Pattern DAEMON_ERROR = Pattern.compile("Status \\d{3}:\\s*(\\{.*})", Pattern.DOTALL);
    private static final Pattern BACKTICKS = Pattern.compile("`+");

    private Sentences() {
    }

    /**
     * {@code value} as a markdown code span that nothing in it can end early: a learner's user
     * name in their config file may hold backticks, and markdown in it must stay text.
     */
    public static String code(Object value) {
        String text = String.valueOf(value).replaceAll("\\s+", " ");
        int longest = 0;
        Matcher runs = BACKTICKS.matcher(text);
        while (runs.find()) {
            longest = Math.max(longest, runs.group().length());
        }
        String fence = "`".repeat(longest + 1);
        boolean pad = text.startsWith("`") || text.endsWith("`");
        return fence + (pad ? " " + text + " " : text) + fence;
    }

    /** Several names as code spans: {@code `a`, `b` and `c`}. */
    static String codes(List<String> values) {
        return codes(values, Integer.MAX_VALUE);
    }

    /** At most {@code most} names as code spans, then how many more: {@code `a`, `b` and 3 more}. */
    static String codes(List<String> values, int most) {
        if (values.size() > most) {
            List<String> spans = values.subList(0, most).stream().map(Sentences::code).toList();
            return String.join(", ", spans) + " and " + (values.size() - most) + " more";
        }
        List<String> spans = values.stream().map(Sentences::code).toList();
        if (spans.size() <= 1) {
            return String.join("", spans);
        }
        return spans.subList(0, spans.size() - 1).stream().collect(Collectors.joining(", "))
                + " and " + spans.get(spans.size() - 1);
    }

    /**
     * What a daemon said, without the wrapping docker-java adds: the {@code message} of
     * {@code Status 500: {"message":"…"}}, on one line.
     */
    public static String daemonMessage(String raw) {
        if (raw == null || raw.isBlank()) {
            return "";
        }
        String text = raw.strip();
        Matcher error = DAEMON_ERROR.matcher(text);
        if (error.find()) {
            try {
                JsonNode body = JSON.readTree(error.group(1));
                if (body.path("message").isTextual()) {
                    text = text.substring(0, error.start()) + body.path("message").asText();
                }
            } catch (java.io.IOException e) {
                // not JSON after all: the words stay as they came
            }
        }
        return text.replaceAll("\\s+", " ").strip();
    }

    /**
     * {@code text} as one sentence: a daemon's raw answer replaced by what it said, on one line,
     * with a capital first (unless it opens with a code span) and a full stop last.
     */
    public static String of(String text) {
        String words = daemonMessage(text);
        return words.isEmpty() ? "Something went wrong, and nothing said what." : Messages.sentence(words);
    }

    /** Every reason and hint of {@code verdict} made a sentence; the kind of verdict stays. */
    static Verdict verdict(Verdict verdict) {
        if (verdict instanceof Verdict.Passed passed) {
            return new Verdict.Passed(of(passed.reason()));
        }
        if (verdict instanceof Verdict.Failed failed) {
            return new Verdict.Failed(of(failed.reason()), failed.hint() == null ? null : of(failed.hint()));
        }
        return new Verdict.Unavailable(of(verdict.reason()), verdict.hint() == null ? null : of(verdict.hint()));
    }
}
