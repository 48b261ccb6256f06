using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting;

/// <summary>A phrase of the rules found in a text: Found is the text's own words ("garantizada" for the phrase "garantizado").</summary>
public sealed record PhraseMatch(RedFlagPhrase Phrase, int Index, string Found, string Excerpt);

/// <summary>
/// Finds red-flag phrases in marketing text, as whole words, regardless of case and accents, in their inflected forms:
/// the rule data holds one form ("garantizado", "cure", "mucize") and <see cref="PhraseInflection"/> adds the others.
/// </summary>
public static class ClaimsScanner
{
    private const int ExcerptRadius = 60;

    public static IReadOnlyList<PhraseMatch> Scan(string text, IEnumerable<RedFlagPhrase> phrases)
    {
        var folded = Text.FoldKeepingPositions(text);
        var matches = new List<PhraseMatch>();
        foreach (var phrase in phrases)
        {
            var match = PhraseInflection.PatternOf(phrase).Match(folded);
            if (match.Success)
            {
                matches.Add(new PhraseMatch(phrase, match.Index, text.Substring(match.Index, match.Length), Excerpt(text, match.Index, match.Length)));
            }
        }

        // "milagroso" and "milagrosa" in the data both find "milagrosa" in the text: once is enough.
        return matches.OrderBy(x => x.Index).DistinctBy(x => (x.Index, x.Found.Length, x.Phrase.Category)).ToList();
    }

    private static string Excerpt(string text, int index, int length)
    {
        var start = Math.Max(0, index - ExcerptRadius);
        var end = Math.Min(text.Length, index + length + ExcerptRadius);
        var excerpt = text[start..end].ReplaceLineEndings(" ").Trim();
        return (start > 0 ? "…" : "") + excerpt + (end < text.Length ? "…" : "");
    }
}

/// <summary>
/// A small inflection rule per language, applied to each word of a phrase (already folded: lower case, no accents):
/// Spanish gender and number (garantizado: -o, -a, -os, -as; curación: -es), English number (-s, -es, -ies; -d after e),
/// Turkish suffixes (mucize: mucizevi, mucizeler), Thai as written and without spaces between words. Words of fewer than
/// four letters ("no", "sin", "100") stay as written, so short words never grow into others.
/// </summary>
public static class PhraseInflection
{
    private static readonly ConcurrentDictionary<(string Phrase, string Language), Regex> Patterns = new();

    private const string NotInAWord = @"(?<![\p{L}\p{N}\p{M}])";
    private const string WordEnds = @"(?![\p{L}\p{N}\p{M}])";

    public static Regex PatternOf(RedFlagPhrase phrase) =>
        Patterns.GetOrAdd((phrase.Phrase, phrase.Language ?? ""), key => Build(key.Phrase, key.Language));

    private static Regex Build(string phrase, string language)
    {
        var folded = Text.FoldKeepingPositions(phrase.Trim());
        var continuous = language is "th";
        var pattern = new StringBuilder(continuous ? "" : NotInAWord);
        foreach (Match token in Regex.Matches(folded, @"[\p{L}\p{N}\p{M}]+|[\s\p{Pd}]+|[^\p{L}\p{N}\p{M}\s\p{Pd}]+"))
        {
            var value = token.Value;
            pattern.Append(
                char.IsWhiteSpace(value[0]) || char.GetUnicodeCategory(value[0]) == System.Globalization.UnicodeCategory.DashPunctuation
                    ? @"[\s\p{Pd}]+"
                    : char.IsLetter(value[0]) ? Word(value, language) : Regex.Escape(value));
        }

        if (!continuous && char.IsLetterOrDigit(folded[^1]))
        {
            pattern.Append(WordEnds);
        }

        return new Regex(pattern.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static string Word(string word, string language) =>
        word.Length < 4 && language != "tr" ? Regex.Escape(word)
        : language switch
        {
            "es" => Spanish(word),
            "en" => English(word),
            "tr" => Regex.Escape(word) + @"\p{L}*",
            _ => Regex.Escape(word),
        };

    /// <summary>Gender and number: garantizado, garantizada, garantizados, garantizadas; curación, curaciones; feliz, felices.</summary>
    private static string Spanish(string word)
    {
        if (word.EndsWith("os") || word.EndsWith("as"))
        {
            return Regex.Escape(word[..^2]) + "(?:o|a|os|as)";
        }

        if (word[^1] is 'o' or 'a')
        {
            return Regex.Escape(word[..^1]) + "(?:o|a|os|as)";
        }

        if (word[^1] == 'e')
        {
            return Regex.Escape(word) + "s?";
        }

        if (word.EndsWith("ces"))
        {
            return Regex.Escape(word[..^3]) + "(?:z|ces)";
        }

        if (word.EndsWith("es") && !IsVowel(word[^3]))
        {
            return Regex.Escape(word[..^2]) + "(?:es)?";
        }

        return word[^1] == 'z' ? Regex.Escape(word[..^1]) + "(?:z|ces)" : Regex.Escape(word) + "(?:es)?";
    }

    /// <summary>Number (and the participle of verbs in -e): cure, cures, cured; testimonial, testimonials; remedy, remedies.</summary>
    private static string English(string word)
    {
        var singular = word.EndsWith("ies") ? word[..^3] + "y"
            : word.EndsWith("sses") || word.EndsWith("xes") || word.EndsWith("ches") || word.EndsWith("shes") ? word[..^2]
            : word.EndsWith('s') && !word.EndsWith("ss") && !word.EndsWith("us") ? word[..^1]
            : word;
        return singular[^1] == 'y' && !IsVowel(singular[^2]) ? Regex.Escape(singular[..^1]) + "(?:y|ies)"
            : singular[^1] == 'e' ? Regex.Escape(singular) + "[sd]?"
            : singular.EndsWith('s') || singular.EndsWith('x') || singular.EndsWith("ch") || singular.EndsWith("sh") ? Regex.Escape(singular) + "(?:es)?"
            : Regex.Escape(singular) + "s?";
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';
}
