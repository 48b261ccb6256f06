using ClinicVetting.Ranking.PublicFeed;
using Markdig;
using Microsoft.AspNetCore.RateLimiting;

namespace ClinicVetting.Ranking.Pages;

/// <summary>docs/ranking-policy.md, built into the assembly and rendered to HTML once: the page says what the document says.</summary>
public sealed class RankingPolicyDocument
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoIdentifiers()
        .DisableHtml() // the document is ours, but a page that shows it runs none of its markup
        .Build();

    private readonly Lazy<string> _html = new(() =>
    {
        using var stream = typeof(RankingPolicyDocument).Assembly.GetManifestResourceStream("ranking-policy.md")
                           ?? throw new InvalidOperationException("docs/ranking-policy.md is not built into the assembly.");
        using var reader = new StreamReader(stream);
        return Markdown.ToHtml(reader.ReadToEnd(), Pipeline);
    });

    public string Html => _html.Value;
}

public static class ShowMethodologyPageEndpoint
{
    /// <summary>How the ranking works: the ranking policy as documented (eligibility, factors and weights, ties, lists, ages of inputs).</summary>
    [WolverineGet("/methodology", OperationId = "ShowMethodologyPage"), AllowAnonymous, EnableRateLimiting(PublicFeedOptions.RateLimitPolicy),
     ExcludeFromDescription]
    public static async Task<IResult> Get(RankingPolicyDocument document, PublicFeedCache cache, PublicPageRenderer pages) =>
        new PublicPageResult(await cache.GetOrBuild("page:methodology", "built-in", () => pages.Render<MethodologyPage>(
            new Dictionary<string, object?> { [nameof(MethodologyPage.Html)] = document.Html })));
}
