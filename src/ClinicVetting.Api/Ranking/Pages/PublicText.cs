using System.Globalization;
using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking.Pages;

/// <summary>How the public pages say things: factor and tie-break names, amounts, dates (invariant, UTC).</summary>
public static class PublicText
{
    public static string Factor(RankingFactor factor) => factor switch
    {
        RankingFactor.Accreditations => "Accreditations",
        RankingFactor.TreatmentPrograms => "Treatment programs",
        RankingFactor.PatientReviews => "Verified patient reviews",
        RankingFactor.Efficiency => "Responsiveness and follow-up",
        _ => factor.ToString(),
    };

    public static string TieBreak(TieBreak rule) => rule switch
    {
        Ranking.TieBreak.MoreVerifiedReviews => "more verified reviews",
        Ranking.TieBreak.HigherReviewScore => "a higher review score",
        Ranking.TieBreak.MoreAccreditations => "more valid accreditations",
        Ranking.TieBreak.MoreYearsOfExperience => "more years of experience",
        Ranking.TieBreak.EarlierApproval => "an earlier vetting approval",
        Ranking.TieBreak.NameAlphabetical => "the name, alphabetically",
        _ => rule.ToString(),
    };

    public static string TieRule(TieRule rule) => rule == Ranking.TieRule.ClinicId
        ? "the clinic identifier (every tie-break found them equal)"
        : Enum.TryParse<TieBreak>(rule.ToString(), out var same) ? TieBreak(same) : rule.ToString();

    public static string Tie(TiedClinic tie) =>
        $"Tied on score with {tie.Name}{(tie.Rank is { } rank ? $" (no. {rank})" : "")}; placed {(tie.ThisClinic == TieSide.Above ? "above" : "below")} it by {TieRule(tie.DecidedBy)}.";

    /// <summary>A condition's label from the catalog, or the text as the clinic wrote it.</summary>
    public static string Condition(string codeOrLabel) =>
        Shared.Conditions.IsKnown(codeOrLabel) ? Shared.Conditions.LabelOf(Shared.Conditions.CodeOf(codeOrLabel)) : codeOrLabel;

    public static string Money(decimal amount, string currency) => $"{currency} {amount.ToString("#,##0", CultureInfo.InvariantCulture)}";

    public static string Price(CostRange range) => range.Max is { } max && max != range.Min
        ? $"{Money(range.Min, range.Currency)} to {max.ToString("#,##0", CultureInfo.InvariantCulture)}"
        : $"from {Money(range.Min, range.Currency)}";

    public static string Number(decimal value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Percent(decimal share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    public static string Day(DateTimeOffset instant) => instant.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    public static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
