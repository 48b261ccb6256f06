using System.Text.Json;
using Alba;

namespace ClinicVetting.IntegrationTests.Support;

public sealed record Problem(string? Type, string? Title, int? Status, string? Detail, string? TraceId,
    Dictionary<string, string[]>? Errors, string[]? Reasons);

public static class ProblemAssertions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The response is RFC 9457 problem details with this status; returns it for further checks.</summary>
    public static Problem ShouldBeProblem(this IScenarioResult result, int status)
    {
        result.Context.Response.StatusCode.ShouldBe(status);
        result.Context.Response.ContentType.ShouldNotBeNull().ShouldStartWith("application/problem+json");
        var problem = JsonSerializer.Deserialize<Problem>(result.ReadAsText(), Json).ShouldNotBeNull();
        problem.Status.ShouldBe(status);
        problem.Title.ShouldNotBeNullOrWhiteSpace();
        ShouldBeADocumentedType(problem.Type);
        return problem;
    }

    public const string TypeNamespace = "https://clinicvetting.example/problems/";

    /// <summary>One namespace of problem types, each explained in docs/api.md ("Problem types": a row per type).</summary>
    public static void ShouldBeADocumentedType(string? type)
    {
        type.ShouldNotBeNull().ShouldStartWith(TypeNamespace);
        var slug = type[TypeNamespace.Length..];
        DocumentedTypes.Value.ShouldContain(slug, $"problem type '{slug}' is not explained in docs/api.md (Problem types)");
    }

    private static readonly Lazy<HashSet<string>> DocumentedTypes = new(() =>
    {
        var api = File.ReadAllLines(Path.Combine(ClinicVetting.Testing.RepoPaths.Root, "docs", "api.md"));
        // Rows of the table under "### Problem types": | `slug` | status | when |
        return api.SkipWhile(x => !x.StartsWith("### Problem types", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(x => !x.StartsWith("#", StringComparison.Ordinal))
            .Where(x => x.StartsWith("| `", StringComparison.Ordinal))
            .Select(x => x.Split('`')[1]).ToHashSet();
    });
}
