using System.Globalization;
using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking;

public sealed record FactorScore(RankingFactor Factor, decimal Value, decimal Weight, decimal Points, decimal Share, string Basis);

/// <summary>How old each input was at the ranking instant, in days (null: no such input).</summary>
public sealed record InputAges(int? ApprovalDays, int? LatestReviewDays, int? LatestInquiryMeasurementDays, int? LatestFollowUpMeasurementDays);

public sealed record RankedClinic(
    int Rank,
    Guid ClinicId,
    string Name,
    string City,
    string Country,
    string CountryName,
    decimal Score,
    IReadOnlyList<FactorScore> Factors,
    IReadOnlyList<string> BestFor,
    IReadOnlyList<string> VerifiedAccreditations,
    CostRange? PriceRange,
    int VerifiedReviews,
    decimal? ReviewScore,
    string? TieBreak,
    InputAges InputAges,
    IReadOnlyList<TiedClinic>? TiedWith = null);

/// <summary>Which of two clinics of equal score a tie-break put higher: this clinic, or the other.</summary>
public enum TieSide
{
    Above,
    Below,
}

/// <summary>The rule that decided a tie: one of the policy's tie-breaks (same names), or the clinic id when they all found the two equal.</summary>
public enum TieRule
{
    MoreVerifiedReviews,
    HigherReviewScore,
    MoreAccreditations,
    MoreYearsOfExperience,
    EarlierApproval,
    NameAlphabetical,
    ClinicId,
}

/// <summary>
/// A clinic with the same score as this one: its rank (null: it did not make the list), whether this clinic was placed
/// above or below it, and the rule that decided.
/// </summary>
public sealed record TiedClinic(Guid ClinicId, string Name, int? Rank, TieSide ThisClinic, TieRule DecidedBy);

public sealed record ExcludedClinic(Guid ClinicId, string Name, IReadOnlyList<string> Reasons);

/// <summary>
/// Every eligible clinic in order, with its factors and the clinics it was tied with; every other clinic with why it is out.
/// ReviewPriorMean is the retired Bayesian average's prior (null under the credible bound); TieBreaks the policy's, in the
/// order applied (null in computations from before ties were recorded clinic by clinic).
/// </summary>
public sealed record RankingComputation(
    DateTimeOffset AsOf,
    decimal? ReviewPriorMean,
    IReadOnlyList<RankedClinic> Ranked,
    IReadOnlyList<ExcludedClinic> Excluded,
    IReadOnlyList<TieBreak>? TieBreaks = null);

/// <summary>
/// The ranking as a pure function: inputs and policy in, ranking out. Decimal arithmetic rounded at fixed places, and a
/// total order (ties end on the clinic id), so the same inputs give the same ranking bit for bit, on any machine.
/// </summary>
[Published]
public static class RankingCalculator
{
    private const int Places = 6;

    public static RankingComputation Rank(IReadOnlyList<ClinicRankingInput> inputs, RankingPolicy policy, DateTimeOffset asOf)
    {
        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var retiredPriorMean = policy.Reviews.Parameters is null ? RetiredPriorMean(inputs, policy.Reviews) : (decimal?)null;

        var excluded = new List<ExcludedClinic>();
        var scored = new List<(ClinicRankingInput Input, decimal Score, IReadOnlyList<FactorScore> Factors, decimal? ReviewScore)>();
        foreach (var input in inputs.OrderBy(x => x.ClinicId))
        {
            var reasons = Ineligibility(input, policy, day);
            if (reasons.Count > 0)
            {
                excluded.Add(new ExcludedClinic(input.ClinicId, input.Name, reasons));
                continue;
            }

            var reviewScore = ReviewScoreOf(input, policy.Reviews, retiredPriorMean);
            var factors = Factors(input, policy, asOf, day, reviewScore);
            scored.Add((input, factors.Sum(x => x.Points), factors, reviewScore));
        }

        var ordered = scored
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x, new ByTieBreaks<(ClinicRankingInput Input, decimal Score, IReadOnlyList<FactorScore> Factors, decimal? ReviewScore)>(policy.TieBreaks, x => (x.Input, x.ReviewScore)))
            .ToList();

        var tieGroups = ordered.Select((x, index) => (Clinic: x, Index: index)).GroupBy(x => x.Clinic.Score).Where(x => x.Count() > 1)
            .ToDictionary(x => x.Key, x => x.ToList());
        var ranked = ordered.Select((x, index) =>
        {
            string? tieBreak = null;
            if (index > 0 && ordered[index - 1].Score == x.Score)
            {
                tieBreak = TieBreakComparer.Decider(policy.TieBreaks, (ordered[index - 1].Input, ordered[index - 1].ReviewScore), (x.Input, x.ReviewScore));
            }

            var total = x.Score;
            var factors = x.Factors.Select(f => f with { Share = total == 0 ? 0 : Math.Round(f.Points / total, 4) }).ToList();
            var tiedWith = tieGroups.GetValueOrDefault(x.Score)?.Where(other => other.Index != index)
                .Select(other => new TiedClinic(other.Clinic.Input.ClinicId, other.Clinic.Input.Name, other.Index + 1,
                    other.Index > index ? TieSide.Above : TieSide.Below,
                    TieBreakComparer.Rule(TieBreakComparer.Compare(policy.TieBreaks, (x.Input, x.ReviewScore), (other.Clinic.Input, other.Clinic.ReviewScore)).Decider)))
                .ToList();
            return new RankedClinic(index + 1, x.Input.ClinicId, x.Input.Name, x.Input.City, x.Input.Country, x.Input.CountryName, total, factors,
                x.Input.BestFor, x.Input.Accreditations.Where(a => a.Validity.CoversDay(day)).Select(a => a.Issuer).ToList(), x.Input.PriceRange,
                x.Input.VerifiedReviews, x.ReviewScore, tieBreak, Ages(x.Input, asOf), tiedWith);
        }).ToList();

        return new RankingComputation(asOf, retiredPriorMean, ranked, excluded, [.. policy.TieBreaks]);
    }

    public static IReadOnlyList<string> Ineligibility(ClinicRankingInput input, RankingPolicy policy, DateOnly day)
    {
        var rules = policy.Eligibility;
        var reasons = new List<string>();
        var on = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (rules.RequireVettingApproved && !input.VettingApproved) reasons.Add("Not approved by vetting.");
        if (rules.ExcludeSuspended && input.Suspensions.Count > 0) reasons.Add($"Suspended: {string.Join("; ", input.Suspensions)}");
        if (rules.ExcludeOpenRedFlags && input.OpenRedFlags > 0) reasons.Add($"{input.OpenRedFlags} open red flag(s).");
        if (rules.RequireValidLicense && !input.RegulatorLicenses.Any(x => x.CoversDay(day)))
            reasons.Add($"No license from the country's regulator valid on {on}.");
        if (rules.RequireValidAccreditations)
            reasons.AddRange(input.Accreditations.Where(x => !x.Validity.CoversDay(day)).Select(x => $"Accreditation from {x.Issuer} not valid on {on}."));
        if ((input.YearsOfExperience ?? 0) < rules.MinYearsOfOperation)
            reasons.Add($"Less than {rules.MinYearsOfOperation} year(s) of operation on record.");
        if (input.VerifiedReviews < rules.MinVerifiedReviews)
            reasons.Add($"{input.VerifiedReviews} verified published review(s); at least {rules.MinVerifiedReviews} needed.");
        return reasons;
    }

    /// <summary>The review score on the 1 to 5 scale (<see cref="Reviews.ReviewScore"/>), or null under the minimum count.</summary>
    public static decimal? ReviewScoreOf(ClinicRankingInput input, ReviewScoring scoring, decimal? retiredPriorMean) =>
        scoring.Parameters is { } parameters
            ? Reviews.ReviewScore.Of(input.VerifiedStars, parameters)
            : RetiredBayesianAverage(input, scoring, retiredPriorMean ?? RetiredPriorMean([], scoring));

    // The retired review score, (m·C + Σ ratings) / (m + n): only for the policies published with it, so their editions replay.
    private static decimal? RetiredBayesianAverage(ClinicRankingInput input, ReviewScoring scoring, decimal priorMean) =>
        input.VerifiedReviews < scoring.MinimumCount
            ? null
            : Round(((scoring.PriorWeight ?? 0) * priorMean + input.VerifiedStars.RatingSum) / ((scoring.PriorWeight ?? 0) + input.VerifiedReviews));

    private static decimal RetiredPriorMean(IReadOnlyList<ClinicRankingInput> inputs, ReviewScoring scoring)
    {
        var counted = inputs.Sum(x => (long)x.VerifiedReviews);
        return Round(scoring.PriorMean ?? (counted > 0 ? (decimal)inputs.Sum(x => x.VerifiedStars.RatingSum) / counted : 3m));
    }

    private static IReadOnlyList<FactorScore> Factors(ClinicRankingInput input, RankingPolicy policy, DateTimeOffset asOf, DateOnly day, decimal? reviewScore)
    {
        var validAccreditations = input.Accreditations.Count(x => x.Validity.CoversDay(day));
        var accreditations = Round(Math.Min(validAccreditations, policy.Accreditations.Cap) / (decimal)Math.Max(1, policy.Accreditations.Cap));

        var (programs, programBasis) = Programs(input, policy.Programs);

        var reviews = reviewScore is { } score ? Round(Math.Clamp((score - 1m) / 4m, 0m, 1m)) : 0m;

        var (efficiency, efficiencyBasis) = Efficiency(input, policy.Efficiency, asOf);

        return
        [
            Factor(RankingFactor.Accreditations, accreditations, policy, $"{validAccreditations} valid accreditation(s), cap {policy.Accreditations.Cap}"),
            Factor(RankingFactor.TreatmentPrograms, programs, policy, programBasis),
            Factor(RankingFactor.PatientReviews, reviews, policy,
                reviewScore is null ? "below the minimum count"
                : $"{input.VerifiedReviews} verified reviews, {(policy.Reviews.Parameters is null ? "Bayesian score" : "lower credible bound")} {reviewScore:0.000}"),
            Factor(RankingFactor.Efficiency, efficiency, policy, efficiencyBasis),
        ];
    }

    private static FactorScore Factor(RankingFactor factor, decimal value, RankingPolicy policy, string basis)
    {
        var weight = policy.WeightOf(factor);
        return new FactorScore(factor, value, weight, Round(value * weight), 0, basis);
    }

    private static (decimal Value, string Basis) Programs(ClinicRankingInput input, ProgramScoring scoring)
    {
        if (input.Programs.Count == 0)
        {
            return (0, "no treatment program");
        }

        decimal Comprehensiveness(ProgramFact program)
        {
            var included = program.IncludedServices.Select(Text.Fold).ToList();
            var covered = scoring.Services.Count(service => included.Any(x => service.Keywords.Any(k => x.Contains(Text.Fold(k)))));
            var services = scoring.Services.Count == 0 ? 1m : (decimal)covered / scoring.Services.Count;
            return services * (1 - scoring.ProtocolShare) + (program.HasProtocol ? scoring.ProtocolShare : 0);
        }

        var depth = input.Programs.Average(Comprehensiveness);
        var conditions = input.Programs.Select(x => x.Condition).Distinct().Count();
        var breadth = Math.Min(conditions, scoring.ConditionsCap) / (decimal)Math.Max(1, scoring.ConditionsCap);
        var value = Round(depth * (1 - scoring.BreadthShare) + breadth * scoring.BreadthShare);
        return (value, $"{input.Programs.Count} program(s), {Round(depth):0.00} comprehensive on average, {conditions} condition(s)");
    }

    private static (decimal Value, string Basis) Efficiency(ClinicRankingInput input, EfficiencyScoring scoring, DateTimeOffset asOf)
    {
        var since = asOf.AddDays(-scoring.MeasurementWindowDays);
        var responses = input.InquiryResponses.Where(x => x.MeasuredAt > since && x.MeasuredAt <= asOf).Select(x => x.Hours).Order().ToList();
        var followUps = input.FollowUps.Where(x => x.MeasuredAt > since && x.MeasuredAt <= asOf).ToList();

        decimal? median = responses.Count == 0 ? null
            : responses.Count % 2 == 1 ? responses[responses.Count / 2]
            : (responses[responses.Count / 2 - 1] + responses[responses.Count / 2]) / 2;
        var span = scoring.WorstResponseHours - scoring.BestResponseHours;
        var response = median is { } hours && span > 0 ? Math.Clamp((scoring.WorstResponseHours - hours) / span, 0m, 1m) : 0m;

        var due = followUps.Sum(x => x.PatientsDue);
        var completion = due > 0 ? Math.Clamp(followUps.Sum(x => x.Completed) / (decimal)due, 0m, 1m) : 0m;

        var basis = $"{(median is null ? "no inquiry measured" : $"median response {median:0.#} h over {responses.Count} inquiries")}; " +
                    $"{(due == 0 ? "no follow-up measured" : $"{completion:P0} of {due} follow-ups completed")}";
        return (Round((response + completion) / 2), basis);
    }

    private static InputAges Ages(ClinicRankingInput input, DateTimeOffset asOf)
    {
        int? Days(DateTimeOffset? at) => at is { } time ? (int)Math.Floor((asOf - time).TotalDays) : null;
        return new InputAges(Days(input.ApprovedAt), Days(input.LatestReviewAt),
            Days(input.InquiryResponses.Where(x => x.MeasuredAt <= asOf).Select(x => (DateTimeOffset?)x.MeasuredAt).Max()),
            Days(input.FollowUps.Where(x => x.MeasuredAt <= asOf).Select(x => (DateTimeOffset?)x.MeasuredAt).Max()));
    }

    private static decimal Round(decimal value) => Math.Round(value, Places, MidpointRounding.ToEven);

    /// <summary>The policy's tie-breaks in order; the clinic id settles anything left, so the order is total.</summary>
    private sealed class ByTieBreaks<T>(IReadOnlyList<TieBreak> tieBreaks, Func<T, (ClinicRankingInput Input, decimal? ReviewScore)> select)
        : IComparer<T>
    {
        public int Compare(T? x, T? y) => TieBreakComparer.Compare(tieBreaks, select(x!), select(y!)).Result;
    }
}

internal static class TieBreakComparer
{
    public static (int Result, TieBreak? Decider) Compare(IReadOnlyList<TieBreak> tieBreaks,
        (ClinicRankingInput Input, decimal? ReviewScore) a, (ClinicRankingInput Input, decimal? ReviewScore) b)
    {
        foreach (var tieBreak in tieBreaks)
        {
            var result = tieBreak switch
            {
                TieBreak.MoreVerifiedReviews => b.Input.VerifiedReviews.CompareTo(a.Input.VerifiedReviews),
                TieBreak.HigherReviewScore => (b.ReviewScore ?? 0).CompareTo(a.ReviewScore ?? 0),
                TieBreak.MoreAccreditations => b.Input.Accreditations.Count.CompareTo(a.Input.Accreditations.Count),
                TieBreak.MoreYearsOfExperience => (b.Input.YearsOfExperience ?? 0).CompareTo(a.Input.YearsOfExperience ?? 0),
                TieBreak.EarlierApproval => (a.Input.ApprovedAt ?? DateTimeOffset.MaxValue).CompareTo(b.Input.ApprovedAt ?? DateTimeOffset.MaxValue),
                TieBreak.NameAlphabetical => string.CompareOrdinal(Text.Fold(a.Input.Name), Text.Fold(b.Input.Name)),
                _ => 0,
            };
            if (result != 0)
            {
                return (result, tieBreak);
            }
        }

        return (a.Input.ClinicId.CompareTo(b.Input.ClinicId), null);
    }

    public static TieRule Rule(TieBreak? decider) => decider is { } tieBreak ? Enum.Parse<TieRule>(tieBreak.ToString()) : TieRule.ClinicId;

    /// <summary>What put <paramref name="lower"/> below <paramref name="higher"/> at equal score, in words.</summary>
    public static string Decider(IReadOnlyList<TieBreak> tieBreaks, (ClinicRankingInput Input, decimal? ReviewScore) higher,
        (ClinicRankingInput Input, decimal? ReviewScore) lower) =>
        Compare(tieBreaks, higher, lower).Decider is { } decider
            ? $"Tied with {higher.Input.Name}; placed below by the tie-break {decider}."
            : $"Tied with {higher.Input.Name} on every tie-break; placed below by clinic id.";
}
