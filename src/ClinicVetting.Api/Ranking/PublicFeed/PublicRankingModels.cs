using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking.PublicFeed;

public sealed record PublicFactor(RankingFactor Factor, decimal Value, decimal Share);

public sealed record PublicEntry(
    int Rank,
    Guid ClinicId,
    string Name,
    string City,
    string Country,
    string CountryName,
    decimal Score,
    IReadOnlyList<PublicFactor> Factors,
    IReadOnlyList<string> VerifiedAccreditations,
    IReadOnlyList<string> BestFor,
    CostRange? PriceRange,
    int VerifiedReviews,
    decimal? ReviewScore,
    bool Suspended,
    string? SuspensionReason,
    string? Override,
    IReadOnlyList<TiedClinic>? TiedWith);

public sealed record PublicSponsoredPlacement(Guid ClinicId, string ClinicName, string Label, DateTimeOffset Until)
{
    public string Disclosure => "Paid placement. Not part of the merit ranking.";
}

/// <summary>
/// One published list: "top 10" overall, for a condition, or for a country, with the edition it belongs to and the
/// tie-breaks of its policy in order (an entry placed by one says which, and with whom it was tied).
/// </summary>
public sealed record PublicRankingList(
    int Edition,
    DateTimeOffset PublishedAt,
    long PolicyVersion,
    IReadOnlyList<TieBreak>? TieBreaks,
    string List,
    string Title,
    IReadOnlyList<PublicEntry> Entries,
    IReadOnlyList<PublicSponsoredPlacement> Sponsored);

public sealed record PublicEdition(
    int Edition,
    DateTimeOffset PublishedAt,
    DateTimeOffset AsOf,
    long PolicyVersion,
    long LogPosition,
    IReadOnlyList<TieBreak>? TieBreaks,
    IReadOnlyList<PublicEntry> Overall,
    IReadOnlyDictionary<string, IReadOnlyList<PublicEntry>> ByCondition,
    IReadOnlyDictionary<string, IReadOnlyList<PublicEntry>> ByCountry,
    IReadOnlyList<RankingOverride> Overrides);

public static class PublicModels
{
    public static PublicEntry Entry(ListEntry entry, IReadOnlyList<ClinicSuspensionMark> suspended)
    {
        var marks = suspended.Where(x => x.ClinicId == entry.ClinicId).ToList();
        return new PublicEntry(entry.Rank, entry.ClinicId, entry.Name, entry.City, entry.Country, entry.CountryName, entry.Score,
            entry.Factors.Select(x => new PublicFactor(x.Factor, x.Value, x.Share)).ToList(),
            entry.VerifiedAccreditations, entry.BestFor.Select(Conditions.LabelOf).ToList(), entry.PriceRange, entry.VerifiedReviews,
            entry.ReviewScore, marks.Count > 0, marks.Count > 0 ? string.Join(" ", marks.Select(x => x.Reason)) : null, entry.Override,
            entry.TiedWith);
    }

    public static PublicEdition Edition(RankingEdition edition) => new(
        edition.Id, edition.PublishedAt, edition.AsOf, edition.PolicyVersion, edition.LogPosition, edition.TieBreaks,
        edition.Lists.Overall.Select(x => Entry(x, [])).ToList(),
        edition.Lists.ByCondition.ToDictionary(x => x.Key, x => (IReadOnlyList<PublicEntry>)x.Value.Select(e => Entry(e, [])).ToList()),
        edition.Lists.ByCountry.ToDictionary(x => x.Key, x => (IReadOnlyList<PublicEntry>)x.Value.Select(e => Entry(e, [])).ToList()),
        edition.Overrides);
}
