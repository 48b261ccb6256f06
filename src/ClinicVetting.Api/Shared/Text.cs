using System.Globalization;
using System.Text;

namespace ClinicVetting.Shared;

public static class Text
{
    /// <summary>Lower case without accents or extra spaces: "  Memorial ŞİŞLİ " folds to "memorial sisli".</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(c switch { 'ı' => 'i', 'ß' => 's', 'ø' => 'o', 'ł' => 'l', _ => c });
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
}
