using System.Text.Json;
using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>Problems the framework writes join the one documented namespace; a 403 names the roles that may.</summary>
public class problem_types_and_forbidden_roles(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_403_names_the_roles_that_may_call_the_endpoint()
    {
        var result = await Call(Auditor, s =>
        {
            s.Post.Json(ClinicScenarios.AClinic()).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(403);
        });

        var problem = result.ShouldBeProblem(403);
        problem.Type.ShouldBe(ProblemAssertions.TypeNamespace + "forbidden");
        problem.Detail.ShouldNotBeNull().ShouldContain("staff or approver");
        using var body = JsonDocument.Parse(result.ReadAsText());
        body.RootElement.GetProperty("allowedRoles").EnumerateArray().Select(x => x.GetString()).ShouldBe(["staff", "approver"]);
    }

    [Theory]
    [InlineData(null, "GET", "/api/clinics", 401, "unauthenticated")]
    [InlineData("staff", "GET", "/api/nothing-here", 404, "not-found")]
    [InlineData("staff", "DELETE", "/api/clinics", 405, "method-not-allowed")]
    public async Task problems_the_framework_answers_are_in_the_documented_namespace(string? role, string method, string url, int status, string type)
    {
        var result = await Call(role is null ? null : Fixture.TokenFor("someone", role), s =>
        {
            if (method == "DELETE") s.Delete.Url(url);
            else s.Get.Url(url);
            s.StatusCodeShouldBe(status);
        });

        result.ShouldBeProblem(status).Type.ShouldBe(ProblemAssertions.TypeNamespace + type);
    }
}
