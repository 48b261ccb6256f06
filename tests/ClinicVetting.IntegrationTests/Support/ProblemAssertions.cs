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
        return problem;
    }
}
