using System.Text.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ClinicVetting.Ranking.PublicFeed;

public static class ListPublicEditionsEndpoint
{
    /// <summary>The catalog's state: its version and its latest edition's log position (unique even across a data reset).</summary>
    public static string Version(RankingEditionCatalog catalog) => $"{catalog.Version}:{catalog.Latest?.LogPosition}:{catalog.Latest?.ProposalId}";

    /// <summary>Every published edition: number, date, policy version, log position.</summary>
    [WolverineGet("/api/public/rankings/editions", OperationId = "ListPublicEditions"), AllowAnonymous,
     EnableRateLimiting(PublicFeedOptions.RateLimitPolicy)]
    [Tags("Public ranking")]
    [ProducesResponseType<IReadOnlyList<EditionSummary>>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(IQuerySession session, PublicFeedCache cache, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var catalog = await session.LoadAsync<RankingEditionCatalog>(RankingEditionCatalog.StreamId, cancellation) ?? new RankingEditionCatalog();
        var body = await cache.GetOrBuild("editions", Version(catalog), () => Task.FromResult(CachedBody.Of(
            JsonSerializer.SerializeToUtf8Bytes(catalog.Editions.AsEnumerable().Reverse().ToList(), json.Value.SerializerOptions),
            "application/json; charset=utf-8")));
        return new PublicResult(body);
    }
}
