using System.Globalization;
using System.Text;

namespace ClinicVetting.Shared;

public static class Text
{
    /// <summary>Lower case without accents or extra spaces: "  Memorial ŞİŞLİ " folds to "memorial sisli".</summary>
    public static string Fold(string text)
    {
        // Accents go before lower-casing: 'İ' decomposes to 'I' + a dot, which ToLowerInvariant alone keeps.
        var decomposed = text.Trim().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(char.ToLowerInvariant(c) switch { 'ı' => 'i', 'ß' => 's', 'ø' => 'o', 'ł' => 'l', var lower => lower });
        }

        return string.Join(' ', builder.ToString().Normalize(NormalizationForm.FormC)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Only letters and digits survive, one space between words: for identity keys and duplicate detection.</summary>
    public static string Key(string text)
    {
        var folded = Fold(text);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            builder.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }

        return string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Lower case without accents, one character for one: a match's index is its index in the original.</summary>
    public static string FoldKeepingPositions(string text)
    {
        var folded = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var decomposed = text[i].ToString().Normalize(NormalizationForm.FormD);
            var letter = decomposed.FirstOrDefault(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark, text[i]);
            folded[i] = char.ToLowerInvariant(letter) switch { 'ı' => 'i', var lower => lower };
        }

        return new string(folded);
    }
}
