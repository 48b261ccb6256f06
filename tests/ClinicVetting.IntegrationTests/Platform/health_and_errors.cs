using System.Text.Json;
using Alba;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

public class health_and_errors(AppFixture fixture) : IntegrationContext(fixture)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task health_endpoints_answer_anonymously(string url)
    {
        await Call(null, s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task an_unexpected_failure_is_a_500_problem_with_a_trace_id_and_no_stack_trace()
    {
        var result = await Call(Staff, s =>
        {
            s.Get.Url(FailingRoute.Path);
            s.StatusCodeShouldBe(500);
        });

        var body = result.ReadAsText();
        result.ShouldBeProblem(500).TraceId.ShouldNotBeNullOrWhiteSpace();
        body.ShouldNotContain(FailingRoute.Secret);
        body.ShouldNotContain("   at ");
        result.Context.Response.Headers["X-Correlation-ID"].ToString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task an_unknown_route_is_a_404_problem()
    {
        var result = await Call(Staff, s =>
        {
            s.Get.Url("/api/nothing-here");
            s.StatusCodeShouldBe(404);
        });
        result.ShouldBeProblem(404);
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_415_problem()
    {
        var result = await Call(Staff, s =>
        {
            s.Post.Text("name=x").ToUrl("/api/clinics");
            s.StatusCodeShouldBe(415);
        });
        result.ShouldBeProblem(415);
    }

    [Fact]
    public async Task a_forged_token_is_a_401()
    {
        var forged = Staff[..^4] + "AAAA";
        var result = await Call(forged, s =>
        {
            s.Get.Url("/api/clinics");
            s.StatusCodeShouldBe(401);
        });
        JsonDocument.Parse(result.ReadAsText()).RootElement.GetProperty("status").GetInt32().ShouldBe(401);
    }
}
