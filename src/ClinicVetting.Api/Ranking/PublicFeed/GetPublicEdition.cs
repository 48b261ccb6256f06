using System.Text.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ClinicVetting.Ranking.PublicFeed;

public static class GetPublicEditionEndpoint
{
    /// <summary>One edition, whole and as published (immutable): every list, the policy version and log position, any overrides.</summary>
    [WolverineGet("/api/public/rankings/editions/{edition}", OperationId = "GetPublicEdition"), AllowAnonymous,
     EnableRateLimiting(PublicFeedOptions.RateLimitPolicy)]
    [Tags("Public ranking")]
    [ProducesResponseType<PublicEdition>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(int edition, IQuerySession session, PublicFeedCache cache, IOptions<JsonOptions> json,
        CancellationToken cancellation)
    {
        var document = await session.LoadAsync<RankingEdition>(edition, cancellation);
        if (document is null)
        {
            return Results.Problem(Problems.Create(404, "Edition not found", $"No edition {edition} has been published."));
        }

        var body = await cache.GetOrBuild($"edition:{edition}", document.ProposalId.ToString(), () => Task.FromResult(CachedBody.Of(
            JsonSerializer.SerializeToUtf8Bytes(PublicModels.Edition(document), json.Value.SerializerOptions), "application/json; charset=utf-8")));
        return new PublicResult(body, "public, max-age=86400, immutable");
    }
}
