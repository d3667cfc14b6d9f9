package dev.dockstep.lesson;

import java.util.List;
import java.util.stream.IntStream;

/**
 * A {@code quiz} block: a question and its options; the learner must pick exactly the right ones.
 *
 * @param question markdown
 */
public record Quiz(String question, List<Option> options) {
    public Quiz {
        options = List.copyOf(options);
    }

    /** One option; {@code text} is markdown. */
    public record Option(String text, boolean right) {
    }

    /** The indexes of the right options. */
    public List<Integer> rightAnswers() {
        return IntStream.range(0, options.size()).filter(i -> options.get(i).right()).boxed().toList();
    }

    /** True when {@code chosen} names exactly the right options. */
    public boolean isRight(List<Integer> chosen) {
        return chosen.stream().distinct().sorted().toList().equals(rightAnswers());
    }
}
