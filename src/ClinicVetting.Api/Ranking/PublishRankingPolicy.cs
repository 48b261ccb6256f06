namespace ClinicVetting.Ranking;

[Published]
public sealed record PublishRankingPolicyInput(RankingPolicy Policy, [property: FieldLimit(MaxLength = 2000)] string Reason)
    : IHasExample<PublishRankingPolicyInput>
{
    public static PublishRankingPolicyInput Example => new(RankingPolicy.Default with { ListSize = 20 },
        "Publish the top 20: the list has grown past 200 approved clinics");

    public FieldErrors Validate()
    {
        var errors = new FieldErrors().WithinLimits(this).Present("reason", Reason);
        if (Policy is null)
        {
            return errors.Add("policy", "is required");
        }

        if (Policy.Weights is null || Policy.Eligibility is null || Policy.Accreditations is null || Policy.Programs?.Services is null
            || Policy.Reviews is null || Policy.Efficiency is null || Policy.TieBreaks is null)
        {
            return errors.Add("policy", "every part must be given: weights, eligibility, accreditations, programs, reviews, efficiency, tieBreaks");
        }

        return errors
            .When(Policy.Weights.Any(x => x is null || x.Weight < 0), "policy.weights", "weights must not be negative")
            .When(Policy.Weights.Sum(x => x?.Weight ?? 0) is not 1m, "policy.weights", "weights must add up to 1")
            .When(Policy.Weights.GroupBy(x => x?.Factor).Any(x => x.Count() > 1), "policy.weights", "one weight per factor")
            .WithinLimits(Policy, "policy")
            .WithinLimits(Policy.Eligibility, "policy.eligibility")
            .WithinLimits(Policy.Accreditations, "policy.accreditations")
            .WithinLimits(Policy.Programs, "policy.programs")
            .WithinLimits(Policy.Reviews, "policy.reviews")
            .WithinLimits(Policy.Efficiency, "policy.efficiency")
            .When(Policy.Reviews.PriorWeight is not null || Policy.Reviews.PriorMean is not null, "policy.reviews",
                "priorWeight and priorMean belong to the retired Bayesian average: give pseudoCounts and z (docs/ranking-policy.md)")
            .When(Policy.Reviews.PseudoCounts is null, "policy.reviews.pseudoCounts", "is required: {one, two, three, four, five}")
            .When(Policy.Reviews.PseudoCounts?.All.Any(x => x is < 0 or > 100_000) == true, "policy.reviews.pseudoCounts", "each from 0 to 100000")
            .When(Policy.Reviews.PseudoCounts is { } prior && prior.Total - prior.Five <= 0, "policy.reviews.pseudoCounts",
                "needs some weight below five stars, or a clinic with only five-star reviews would score 5 however few they are")
            .When(Policy.Reviews.Z is null, "policy.reviews.z", "is required")
            .When(Policy.Efficiency.WorstResponseHours <= Policy.Efficiency.BestResponseHours, "policy.efficiency.worstResponseHours",
                "must be above bestResponseHours")
            .When(Policy.TieBreaks.Distinct().Count() != Policy.TieBreaks.Count, "policy.tieBreaks", "each tie-break at most once");
    }
}

public sealed record PublishRankingPolicy(PublishRankingPolicyInput Input);

public sealed record RankingPolicyVersion(long Version);

public static class PublishRankingPolicyEndpoint
{
    public static ProblemDetails Validate(PublishRankingPolicyInput input) => input.Validate().ToProblem();

    /// <summary>An approver publishes a new version of the ranking policy; the next proposal uses it.</summary>
    [WolverinePut("/api/ranking/policy", OperationId = "PublishRankingPolicy"), Authorize(Policy = Policies.Approver)]
    [Tags("Ranking")]
    public static Task<RankingPolicyVersion> Put(PublishRankingPolicyInput input, IMessageBus bus) =>
        bus.InvokeAsync<RankingPolicyVersion>(new PublishRankingPolicy(input));
}

public static class PublishRankingPolicyHandler
{
    public static async Task<RankingPolicyVersion> Handle(PublishRankingPolicy command, IDocumentSession session, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, cancellation);
        return new RankingPolicyVersion(stream.AppendIfChanged(Decide(stream.Aggregate, command.Input)));
    }

    /// <summary>The policy as sent, with its reason trimmed; null when it is the policy in force.</summary>
    public static RankingPolicyPublished? Decide(CurrentRankingPolicy? current, PublishRankingPolicyInput input) =>
        current is not null && Unchanged.Is(current.Policy, input.Policy) ? null : new RankingPolicyPublished(input.Policy, input.Reason.Trim());
}
