using ClinicVetting.Ranking.PublicFeed;
using Microsoft.AspNetCore.RateLimiting;

namespace ClinicVetting.Ranking.Pages;

public static class ShowEditionHistoryPageEndpoint
{
    /// <summary>Every published edition, newest first: number, date, policy version, how many clinics, and a link to each.</summary>
    [WolverineGet("/editions", OperationId = "ShowEditionHistoryPage"), AllowAnonymous, EnableRateLimiting(PublicFeedOptions.RateLimitPolicy),
     ExcludeFromDescription]
    public static async Task<IResult> Get(IQuerySession session, PublicFeedCache cache, PublicPageRenderer pages, CancellationToken cancellation)
    {
        var catalog = await session.LoadAsync<RankingEditionCatalog>(RankingEditionCatalog.StreamId, cancellation) ?? new RankingEditionCatalog();
        return new PublicPageResult(await cache.GetOrBuild("page:editions", ListPublicEditionsEndpoint.Version(catalog), () =>
            pages.Render<EditionHistoryPage>(new Dictionary<string, object?>
            {
                [nameof(EditionHistoryPage.Editions)] = catalog.Editions.AsEnumerable().Reverse().ToList(),
            })));
    }
}

public static class ShowEditionPageEndpoint
{
    /// <summary>One edition as it was published (immutable): its overall list and every list per condition and per country.</summary>
    [WolverineGet("/editions/{edition}", OperationId = "ShowEditionPage"), AllowAnonymous, EnableRateLimiting(PublicFeedOptions.RateLimitPolicy),
     ExcludeFromDescription]
    public static async Task<IResult> Get(int edition, IQuerySession session, PublicFeedCache cache, PublicPageRenderer pages, CancellationToken cancellation)
    {
        var document = await session.LoadAsync<RankingEdition>(edition, cancellation);
        if (document is null)
        {
            return new PublicPageResult(await pages.Render<PublicNotFoundPage>(new Dictionary<string, object?>
            {
                [nameof(PublicNotFoundPage.Title)] = "Edition not found",
                [nameof(PublicNotFoundPage.Detail)] = $"No edition {edition} has been published.",
            }), StatusCodes.Status404NotFound);
        }

        return new PublicPageResult(await cache.GetOrBuild($"page:edition:{edition}", document.ProposalId.ToString(), () =>
            pages.Render<EditionPage>(new Dictionary<string, object?> { [nameof(EditionPage.Edition)] = PublicModels.Edition(document) })),
            cacheControl: "public, max-age=86400, immutable");
    }
}
