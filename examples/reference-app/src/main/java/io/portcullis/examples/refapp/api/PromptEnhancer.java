package io.portcullis.examples.refapp.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Seed 000's prompt "enhancement" without a model: deterministic rewriting (whitespace
 * normalised, first letter capitalised, closing punctuation, a role line and an answer-format
 * line chosen by the style). Same input, same output.
 */
public final class PromptEnhancer {
    public static final int MAX_PROMPT_CHARS = 4000;

    private PromptEnhancer() {
    }

    /** The result: the enhanced prompt and what was changed. */
    public record Enhanced(String original, String enhanced, String style, List<String> changes) {
    }

    public static Enhanced enhance(String prompt, String style) {
        String s = style == null || style.isBlank() ? "concise" : style.trim().toLowerCase(Locale.ROOT);
        List<String> changes = new ArrayList<>();
        String text = prompt.strip().replaceAll("\\s+", " ");
        if (!text.equals(prompt)) {
            changes.add("normalised whitespace");
        }
        if (!text.isEmpty() && Character.isLowerCase(text.charAt(0))) {
            text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
            changes.add("capitalised the first letter");
        }
        if (!text.isEmpty() && ".?!".indexOf(text.charAt(text.length() - 1)) < 0) {
            text = text + (looksLikeQuestion(text) ? "?" : ".");
            changes.add("added closing punctuation");
        }
        String format = switch (s) {
            case "detailed" -> "Answer in structured sections with examples, and state your assumptions.";
            case "creative" -> "Offer three distinct ideas, each in one short paragraph.";
            default -> "Answer in at most five sentences; use a list where it helps.";
        };
        changes.add("added role and answer format (" + s + ")");
        String enhanced = "You are a careful expert assistant.\nTask: " + text + "\nFormat: " + format;
        return new Enhanced(prompt, enhanced, s, List.copyOf(changes));
    }

    private static boolean looksLikeQuestion(String text) {
        String first = text.split(" ", 2)[0].toLowerCase(Locale.ROOT);
        return List.of("what", "why", "how", "when", "where", "who", "which", "can", "could", "should", "is", "are", "do", "does")
                .contains(first);
    }
}
