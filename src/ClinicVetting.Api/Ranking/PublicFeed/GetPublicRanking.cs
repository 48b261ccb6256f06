using System.Collections.Concurrent;
using System.Text.Json;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ClinicVetting.Ranking.PublicFeed;

/// <summary>The anonymous feed: served from projections, serialized once per version, strong ETags, CDN cache headers, rate limited.</summary>
public static class GetPublicRankingEndpoint
{
    /// <summary>A list that cannot exist (a condition outside the catalog, a country that is not one) is not found.</summary>
    public static ProblemDetails Validate(string? condition, string? country)
    {
        if (condition is null && country is null)
        {
            // The overall list, asked for on nearly every request: nothing to check, nothing to allocate.
            return WolverineContinue.NoProblems;
        }

        var errors = new FieldErrors()
            .When(condition is not null && country is not null, "condition", "ask for one list: a condition or a country")
            .When(condition is { Length: 0 or > 100 }, "condition", "must be 1 to 100 characters");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (condition is not null && !Conditions.IsKnown(condition))
        {
            return Problems.Create(404, "No such ranking list",
                $"There is no list for the condition '{condition}': the lists are per condition of the catalog ({string.Join(", ", Conditions.Codes)}).");
        }

        return country is not null && !Countries.IsKnown(country)
            ? Problems.Create(404, "No such ranking list", $"There is no list for '{country}': countries are ISO 3166-1 alpha-2 codes, for example MX or TR.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>The current top 10: overall, or for one condition (?condition=orthopedics) or country (?country=MX).</summary>
    [WolverineGet("/api/public/rankings", OperationId = "GetPublicRanking"), AllowAnonymous, EnableRateLimiting(PublicFeedOptions.RateLimitPolicy)]
    [Tags("Public ranking")]
    [ProducesResponseType<PublicRankingList>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static Task<IResult> Get(string? condition, string? country, PublicRankingAnswers answers, CancellationToken cancellation) =>
        answers.Get(condition, country, cancellation);

    /// <summary>Which list a request asks for (a validated condition or country, else overall): its key, its title, how to pick it.</summary>
    public sealed record ListChoice(string Key, string Title, Func<EditionLists, IReadOnlyList<ListEntry>> Select);

    public static ListChoice Choose(string? condition, string? country) => condition is not null
        ? new($"condition:{Conditions.CodeOf(condition)}", $"Top 10 verified clinics for {Conditions.LabelOf(Conditions.CodeOf(condition))}",
            lists => lists.ByCondition.GetValueOrDefault(Conditions.CodeOf(condition)) ?? [])
        : country is not null
            ? new($"country:{Countries.Normalize(country)}", $"Top 10 verified clinics in {Countries.NameOf[Countries.Normalize(country)]}",
                lists => lists.ByCountry.GetValueOrDefault(Countries.Normalize(country)) ?? [])
            : new("overall", "Top 10 verified stem-cell clinics", lists => lists.Overall);

    /// <summary>The chosen list of the current ranking, each entry marked if its clinic is suspended, with the paid placements running now.</summary>
    public static PublicRankingList ListOf(PublicRanking ranking, ListChoice choice, DateTimeOffset now)
    {
        var entries = ranking.Lists is null ? [] : choice.Select(ranking.Lists).Select(x => PublicModels.Entry(x, ranking.Suspended)).ToList();
        return new PublicRankingList(ranking.Edition ?? 0, ranking.PublishedAt ?? default, ranking.PolicyVersion, ranking.TieBreaks, choice.Key,
            choice.Title, entries,
            ranking.Sponsored.Where(x => x.From <= now && now < x.Until).Select(x => new PublicSponsoredPlacement(x.ClinicId, x.ClinicName, x.Label, x.Until)).ToList());
    }
}

/// <summary>
/// The feed's answers, one per list, each kept with the revision of the public ranking it was made from. The request for the
/// overall list, nearly all of them, takes its answer from a field when the revision has not changed: no Marten session, no
/// Wolverine message context, no key or version string built per request, the same <see cref="PublicResult"/> (and its
/// completed task) every time (issue 17, P3). The other lists are looked up by their key; a new revision makes every list
/// again, from the database, as the feed always did.
/// </summary>
public sealed class PublicRankingAnswers(IDocumentStore store, PublicRankingRevision revisions, IOptions<JsonOptions> json)
{
    private sealed record Answer(Guid Revision, Task<IResult> Result);

    private readonly ConcurrentDictionary<string, Answer> _lists = new(StringComparer.Ordinal);
    private volatile Answer? _overall;

    public Task<IResult> Get(string? condition, string? country, CancellationToken cancellation)
    {
        var checking = revisions.Current(cancellation);
        if (!checking.IsCompletedSuccessfully)
        {
            return AfterCheck(condition, country, checking, cancellation);
        }

        var revision = checking.Result;
        return revision is { } current && condition is null && country is null && _overall is { } overall && overall.Revision == current
            ? overall.Result
            : Make(condition, country, revision, cancellation);
    }

    private async Task<IResult> AfterCheck(string? condition, string? country, ValueTask<Guid?> checking, CancellationToken cancellation) =>
        await Make(condition, country, await checking, cancellation);

    private async Task<IResult> Make(string? condition, string? country, Guid? revision, CancellationToken cancellation)
    {
        if (revision is not { } current)
        {
            return Results.Problem(Problems.Create(404, "No ranking published yet", "No edition of the ranking has been published yet."));
        }

        var choice = GetPublicRankingEndpoint.Choose(condition, country);
        if (!_lists.TryGetValue(choice.Key, out var answer) || answer.Revision != current)
        {
            await using var session = store.QuerySession();
            var ranking = (await session.LoadAsync<PublicRanking>(PublicRanking.CurrentId, cancellation))!;
            var body = CachedBody.Of(JsonSerializer.SerializeToUtf8Bytes(GetPublicRankingEndpoint.ListOf(ranking, choice, DateTimeOffset.UtcNow),
                json.Value.SerializerOptions), "application/json; charset=utf-8");
            answer = new Answer(current, Task.FromResult<IResult>(new PublicResult(body)));
            _lists[choice.Key] = answer;
        }

        if (condition is null && country is null)
        {
            _overall = answer;
        }

        return await answer.Result;
    }
}
