using System.Text.Json.Serialization;
using ClinicVetting.Reviews;

namespace ClinicVetting.Ranking;

/// <summary>The factors the seed article names: accreditations, comprehensive treatment programs, patient reviews, efficiency.</summary>
public enum RankingFactor
{
    Accreditations,
    TreatmentPrograms,
    PatientReviews,
    Efficiency,
}

/// <summary>What decides between clinics of equal score, in the policy's order.</summary>
public enum TieBreak
{
    MoreVerifiedReviews,
    HigherReviewScore,
    MoreAccreditations,
    MoreYearsOfExperience,
    EarlierApproval,
    NameAlphabetical,
}

public sealed record FactorWeight(RankingFactor Factor, decimal Weight);

public sealed record EligibilityRules(
    bool RequireVettingApproved,
    bool ExcludeSuspended,
    bool ExcludeOpenRedFlags,
    bool RequireValidLicense,
    bool RequireValidAccreditations,
    [property: FieldLimit(Minimum = 0, Maximum = 200)] int MinYearsOfOperation,
    [property: FieldLimit(Minimum = 0, Maximum = 100_000)] int MinVerifiedReviews);

/// <summary>Accreditations: each valid one counts, up to a cap (more than the cap adds nothing).</summary>
public sealed record AccreditationScoring([property: FieldLimit(Minimum = 1, Maximum = 100)] int Cap);

/// <summary>
/// Comprehensive programs: a program is comprehensive in proportion to the services it includes (each service a list of
/// words that recognise it) and whether it has a written protocol; breadth is the number of conditions served, up to a cap.
/// </summary>
public sealed record ProgramScoring(
    IReadOnlyList<ProgramService> Services,
    [property: FieldLimit(Minimum = 0, Maximum = 1)] decimal ProtocolShare,
    [property: FieldLimit(Minimum = 1, Maximum = 100)] int ConditionsCap,
    [property: FieldLimit(Minimum = 0, Maximum = 1)] decimal BreadthShare);

public sealed record ProgramService(string Name, IReadOnlyList<string> Keywords);

/// <summary>
/// Review score: the lower credible bound of <see cref="ReviewScore"/> under PseudoCounts (a prior per star) at confidence Z;
/// no score under MinimumCount. Policies published before it (no PseudoCounts) scored a Bayesian average pulled towards
/// PriorMean (null: the mean of all counted reviews) as if PriorWeight more reviews: kept only so their editions replay.
/// </summary>
public sealed record ReviewScoring(
    [property: FieldLimit(Minimum = 0, Maximum = 100_000)] int MinimumCount,
    StarPseudoCounts? PseudoCounts = null,
    [property: FieldLimit(Minimum = 0, Maximum = 10)] decimal? Z = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? PriorWeight = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? PriorMean = null)
{
    /// <summary>The parameters of the review score; null for a policy of the retired Bayesian average.</summary>
    [JsonIgnore]
    public ReviewScoreParameters? Parameters => PseudoCounts is { } prior && Z is { } z ? new(prior, z, MinimumCount) : null;
}

/// <summary>
/// Efficiency: inquiry response time (median of measurements in the window; BestHours or less scores 1, WorstHours or more 0)
/// and follow-up completion (completed over due in the window), averaged; a clinic never measured scores 0 on it.
/// </summary>
public sealed record EfficiencyScoring(decimal BestResponseHours, decimal WorstResponseHours,
    [property: FieldLimit(Minimum = 1, Maximum = 3650)] int MeasurementWindowDays);

/// <summary>A ranking policy: versioned data published by approvers. docs/ranking-policy.md explains each part.</summary>
public sealed record RankingPolicy(
    IReadOnlyList<FactorWeight> Weights,
    EligibilityRules Eligibility,
    AccreditationScoring Accreditations,
    ProgramScoring Programs,
    ReviewScoring Reviews,
    EfficiencyScoring Efficiency,
    IReadOnlyList<TieBreak> TieBreaks,
    [property: FieldLimit(Minimum = 1, Maximum = 100)] int ListSize)
{
    public decimal WeightOf(RankingFactor factor) => Weights.Where(x => x.Factor == factor).Sum(x => x.Weight);

    public static readonly RankingPolicy Default = new(
        Weights:
        [
            new(RankingFactor.Accreditations, 0.25m),
            new(RankingFactor.TreatmentPrograms, 0.20m),
            new(RankingFactor.PatientReviews, 0.40m),
            new(RankingFactor.Efficiency, 0.15m),
        ],
        Eligibility: new(
            RequireVettingApproved: true,
            ExcludeSuspended: true,
            ExcludeOpenRedFlags: true,
            RequireValidLicense: true,
            RequireValidAccreditations: true,
            MinYearsOfOperation: 1,
            MinVerifiedReviews: 5),
        Accreditations: new(Cap: 3),
        Programs: new(
            Services:
            [
                new("consultation", ["consultation", "evaluation", "assessment"]),
                new("accommodation", ["hotel", "apartment", "apartments", "accommodation", "hospital stay", "stay"]),
                new("transfers", ["transfer", "transfers", "transport", "pickup"]),
                new("follow-up", ["follow-up", "follow up", "aftercare", "calls", "report"]),
            ],
            ProtocolShare: 0.2m,
            ConditionsCap: 5,
            BreadthShare: 0.3m),
        Reviews: new(MinimumCount: 5, PseudoCounts: new StarPseudoCounts(One: 1, Two: 0, Three: 0, Four: 0, Five: 0), Z: 1.645m),
        Efficiency: new(BestResponseHours: 4, WorstResponseHours: 72, MeasurementWindowDays: 365),
        TieBreaks: [TieBreak.MoreVerifiedReviews, TieBreak.HigherReviewScore, TieBreak.MoreAccreditations, TieBreak.MoreYearsOfExperience,
            TieBreak.EarlierApproval, TieBreak.NameAlphabetical],
        ListSize: 10);
}

// Events of the ranking-policy stream: each publication is a new version.
public sealed record RankingPolicyPublished(RankingPolicy Policy, string Reason);

/// <summary>The policy in force; its Version is the policy version every proposal and edition records.</summary>
[Published]
public sealed partial class CurrentRankingPolicy
{
    public static readonly Guid StreamId = new("5e6b0c1e-7a53-4c55-9d1f-0000000000b1");

    public Guid Id { get; set; } = StreamId;
    public long Version { get; set; }
    public RankingPolicy Policy { get; set; } = RankingPolicy.Default;
    public string Reason { get; set; } = "";

    public void Apply(RankingPolicyPublished published)
    {
        Policy = published.Policy;
        Reason = published.Reason;
    }
}
