using ClinicVetting.Shared;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting;

public sealed record PhraseMatch(RedFlagPhrase Phrase, int Index, string Excerpt);

/// <summary>Finds red-flag phrases in marketing text, as whole words, regardless of case and accents.</summary>
public static class ClaimsScanner
{
    private const int ExcerptRadius = 60;

    public static IReadOnlyList<PhraseMatch> Scan(string text, IEnumerable<RedFlagPhrase> phrases)
    {
        var folded = Text.FoldKeepingPositions(text);
        var matches = new List<PhraseMatch>();
        foreach (var phrase in phrases)
        {
            var needle = Text.FoldKeepingPositions(phrase.Phrase);
            for (var at = folded.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(needle, at + 1, StringComparison.Ordinal))
            {
                if (IsWordBoundary(folded, at - 1) && IsWordBoundary(folded, at + needle.Length))
                {
                    matches.Add(new PhraseMatch(phrase, at, Excerpt(text, at, needle.Length)));
                    break;
                }
            }
        }

        return matches.OrderBy(x => x.Index).ToList();
    }

    private static bool IsWordBoundary(string text, int index) =>
        index < 0 || index >= text.Length || !char.IsLetterOrDigit(text[index]);

    private static string Excerpt(string text, int index, int length)
    {
        var start = Math.Max(0, index - ExcerptRadius);
        var end = Math.Min(text.Length, index + length + ExcerptRadius);
        var excerpt = text[start..end].ReplaceLineEndings(" ").Trim();
        return (start > 0 ? "…" : "") + excerpt + (end < text.Length ? "…" : "");
    }
}
