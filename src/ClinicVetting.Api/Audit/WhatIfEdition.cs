using ClinicVetting.Ranking;

namespace ClinicVetting.Audit;

/// <summary>Another policy: a published version, or a policy body never published.</summary>
public sealed record WhatIfInput(long? PolicyVersion = null, RankingPolicy? Policy = null) : IHasExample<WhatIfInput>
{
    public static WhatIfInput Example => new(Policy: RankingPolicy.Default with { ListSize = 20 });

    public FieldErrors Validate()
    {
        var errors = new FieldErrors().When(PolicyVersion is null == Policy is null, "policyVersion", "give either policyVersion or policy");
        // The policy's own validation names its fields `policy.…` already.
        return Policy is null ? errors : errors.Include(new PublishRankingPolicyInput(Policy, "what-if").Validate());
    }
}

public sealed record Movement(Guid ClinicId, string Name, int? PublishedRank, int? WhatIfRank, int? Moved);

public sealed record WhatIfReport(
    int Edition,
    long LogPosition,
    long PublishedPolicyVersion,
    long? WhatIfPolicyVersion,
    IReadOnlyList<ListEntry> Published,
    IReadOnlyList<ListEntry> WhatIf,
    IReadOnlyList<Movement> Movements,
    IReadOnlyList<ExcludedClinic> WhatIfExcluded);

public static class WhatIfEditionEndpoint
{
    public static ProblemDetails Validate(WhatIfInput input) => input.Validate().ToProblem();

    /// <summary>
    /// The inputs of edition n ranked under another policy, side by side with the published overall list, with each
    /// clinic's movement. Read-only: nothing is written.
    /// </summary>
    [WolverinePost("/api/audit/editions/{edition}/what-if", OperationId = "WhatIfEdition"), Authorize(Policy = Policies.Audit)]
    [WithoutIdempotencyKey]
    [Tags("Audit")]
    [ProducesResponseType<WhatIfReport>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Post(int edition, WhatIfInput input, EditionReplayer replayer, LogReplayer log, IQuerySession session,
        CancellationToken cancellation)
    {
        var published = await replayer.Published(edition, cancellation);
        if (published is null)
        {
            return Results.Problem(Problems.Create(404, "Edition not found", $"No edition {edition} has been published."));
        }

        var policy = input.Policy;
        if (input.PolicyVersion is { } version)
        {
            var stored = await session.Events.AggregateStreamAsync<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, version, token: cancellation);
            if (stored is null || stored.Version != version)
            {
                return Results.Problem(Problems.Create(404, "Policy version not found", $"No ranking policy version {version}."));
            }

            policy = stored.Policy;
        }

        var replayed = await log.ReplayTo(published.Edition.LogPosition, cancellation);
        var computation = RankingCalculator.Rank(replayed.RankingInputs(), policy!, published.Edition.AsOf);
        var whatIf = RankingLists.Build(computation, [], policy!.ListSize).Overall;
        var before = published.Edition.Lists.Overall;

        var movements = before.Select(x => x.ClinicId).Union(whatIf.Select(x => x.ClinicId))
            .Select(id =>
            {
                var a = before.FirstOrDefault(x => x.ClinicId == id);
                var b = whatIf.FirstOrDefault(x => x.ClinicId == id);
                return new Movement(id, (a ?? b)!.Name, a?.Rank, b?.Rank, a is not null && b is not null ? a.Rank - b.Rank : null);
            })
            .OrderBy(x => x.WhatIfRank ?? int.MaxValue)
            .ThenBy(x => x.PublishedRank)
            .ToList();

        return Results.Json(new WhatIfReport(edition, published.Edition.LogPosition, published.Edition.PolicyVersion, input.PolicyVersion, before,
            whatIf, movements, computation.Excluded));
    }
}
