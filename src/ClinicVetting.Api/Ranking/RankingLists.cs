using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking;

public enum OverrideAction
{
    Move,
    Remove,
}

/// <summary>An approver's change to the merit order, always with its written reason.</summary>
public sealed record RankingOverride(Guid ClinicId, OverrideAction Action, int? Position, [property: FieldLimit(MaxLength = 2000)] string Reason);

public sealed record FactorShare(RankingFactor Factor, decimal Value, decimal Share);

/// <summary>
/// One line of a published list: everything the public sees of a clinic's place, with the clinics of this list it was tied
/// with and the tie-break that decided between them (null when no other clinic of the list had its score).
/// </summary>
public sealed record ListEntry(
    int Rank,
    Guid ClinicId,
    string Name,
    string City,
    string Country,
    string CountryName,
    decimal Score,
    IReadOnlyList<FactorShare> Factors,
    IReadOnlyList<string> VerifiedAccreditations,
    IReadOnlyList<string> BestFor,
    CostRange? PriceRange,
    int VerifiedReviews,
    decimal? ReviewScore,
    string? Override,
    IReadOnlyList<TiedClinic>? TiedWith = null);

/// <summary>An edition's lists: overall, per condition ("best for") and per country, each at most the policy's size.</summary>
public sealed record EditionLists(
    IReadOnlyList<ListEntry> Overall,
    IReadOnlyDictionary<string, IReadOnlyList<ListEntry>> ByCondition,
    IReadOnlyDictionary<string, IReadOnlyList<ListEntry>> ByCountry);

[Published]
public static class RankingLists
{
    /// <summary>
    /// The published lists from a computed ranking: removals leave every list; moves change the overall list only
    /// (the per-condition and per-country lists keep the merit order).
    /// </summary>
    public static EditionLists Build(RankingComputation computation, IReadOnlyList<RankingOverride> overrides, int size)
    {
        var removed = overrides.Where(x => x.Action == OverrideAction.Remove).Select(x => x.ClinicId).ToHashSet();
        var merit = computation.Ranked.Where(x => !removed.Contains(x.ClinicId)).ToList();

        var overall = merit.ToList();
        var moved = new Dictionary<Guid, string>();
        foreach (var move in overrides.Where(x => x.Action == OverrideAction.Move))
        {
            var clinic = overall.Single(x => x.ClinicId == move.ClinicId);
            overall.Remove(clinic);
            overall.Insert(Math.Clamp(move.Position!.Value - 1, 0, overall.Count), clinic);
            moved[clinic.ClinicId] = move.Reason;
        }

        IReadOnlyList<ListEntry> Top(IEnumerable<RankedClinic> candidates, IReadOnlyDictionary<Guid, string>? notes = null)
        {
            var clinics = candidates.ToList();
            var listed = clinics.Select(x => x.ClinicId).ToHashSet();
            var ranks = clinics.Take(size).Select((x, index) => (x.ClinicId, Rank: index + 1)).ToDictionary(x => x.ClinicId, x => x.Rank);
            return clinics.Take(size).Select((x, index) => Entry(x, index + 1, notes?.GetValueOrDefault(x.ClinicId), TiesWithin(x, listed, ranks))).ToList();
        }

        var conditions = merit.SelectMany(x => x.BestFor).Distinct().Order(StringComparer.Ordinal);
        var countries = merit.Select(x => x.Country).Distinct().Order(StringComparer.Ordinal);
        return new EditionLists(
            Top(overall, moved),
            conditions.ToDictionary(code => code, code => Top(merit.Where(x => x.BestFor.Contains(code))), StringComparer.Ordinal),
            countries.ToDictionary(country => country, country => Top(merit.Where(x => x.Country == country)), StringComparer.Ordinal));
    }

    /// <summary>The lists without tie notes: how editions published before they were recorded read.</summary>
    public static EditionLists WithoutTies(EditionLists lists)
    {
        IReadOnlyList<ListEntry> Plain(IReadOnlyList<ListEntry> entries) => entries.Select(x => x with { TiedWith = null }).ToList();
        return new EditionLists(Plain(lists.Overall),
            lists.ByCondition.ToDictionary(x => x.Key, x => Plain(x.Value), StringComparer.Ordinal),
            lists.ByCountry.ToDictionary(x => x.Key, x => Plain(x.Value), StringComparer.Ordinal));
    }

    /// <summary>The clinics of this list tied with this one (those below the cut too, without a rank), each with its rank here.</summary>
    private static IReadOnlyList<TiedClinic>? TiesWithin(RankedClinic clinic, IReadOnlySet<Guid> listed, IReadOnlyDictionary<Guid, int> ranks)
    {
        var ties = (clinic.TiedWith ?? []).Where(x => listed.Contains(x.ClinicId))
            .Select(x => x with { Rank = ranks.TryGetValue(x.ClinicId, out var rank) ? rank : null })
            .ToList();
        return ties.Count == 0 ? null : ties;
    }

    private static ListEntry Entry(RankedClinic clinic, int rank, string? overrideReason, IReadOnlyList<TiedClinic>? tiedWith) => new(
        rank, clinic.ClinicId, clinic.Name, clinic.City, clinic.Country, clinic.CountryName, clinic.Score,
        clinic.Factors.Select(f => new FactorShare(f.Factor, f.Value, f.Share)).ToList(),
        clinic.VerifiedAccreditations, clinic.BestFor, clinic.PriceRange, clinic.VerifiedReviews, clinic.ReviewScore, overrideReason, tiedWith);
}
