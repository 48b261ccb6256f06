using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Marten;

namespace ClinicVetting.IntegrationTests.Platform;

public class idempotency_keys(AppFixture fixture) : IntegrationContext(fixture)
{
    private Task<IScenarioResult> Register(string token, string key, ClinicDetails details) => Call(token, s =>
    {
        s.Post.Json(details).ToUrl("/api/clinics");
        s.WithRequestHeader("Idempotency-Key", key);
        s.IgnoreStatusCode();
    });

    private async Task<int> ClinicCount()
    {
        await using var session = Store.QuerySession();
        return await session.Query<ClinicProfile>().CountAsync();
    }

    [Fact]
    public async Task a_retry_with_the_same_key_and_body_replays_the_first_answer_and_writes_nothing()
    {
        var first = await Register(Staff, "register-esperanza-1", ClinicScenarios.AClinic());
        var retry = await Register(Staff, "register-esperanza-1", ClinicScenarios.AClinic());

        first.Context.Response.StatusCode.ShouldBe(201);
        retry.Context.Response.StatusCode.ShouldBe(201);
        retry.ReadAsText().ShouldBe(first.ReadAsText());
        retry.Context.Response.Headers.Location.ToString().ShouldBe(first.Context.Response.Headers.Location.ToString());
        retry.Context.Response.Headers["Idempotent-Replayed"].ToString().ShouldBe("true");
        (await ClinicCount()).ShouldBe(1);
    }

    [Fact]
    public async Task the_same_key_with_another_body_is_a_422()
    {
        await Register(Staff, "key-7", ClinicScenarios.AClinic());
        var reused = await Register(Staff, "key-7", ClinicScenarios.AClinic("Another Clinic"));

        reused.ShouldBeProblem(422);
        (await ClinicCount()).ShouldBe(1);
    }

    [Fact]
    public async Task keys_belong_to_the_caller_that_sent_them()
    {
        var mine = await Register(Staff, "shared-key", ClinicScenarios.AClinic("Clinic One"));
        var theirs = await Register(Approver, "shared-key", ClinicScenarios.AClinic("Clinic Two"));

        mine.Context.Response.StatusCode.ShouldBe(201);
        theirs.Context.Response.StatusCode.ShouldBe(201);
        (await ClinicCount()).ShouldBe(2);
    }

    [Fact]
    public async Task racing_requests_with_one_key_write_once()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Register(Staff, "racing-key", ClinicScenarios.AClinic())));

        attempts.Select(x => x.Context.Response.StatusCode).ShouldAllBe(status => status == 201 || status == 409);
        attempts.Count(x => x.Context.Response.StatusCode == 201 && x.Context.Response.Headers["Idempotent-Replayed"].Count == 0)
            .ShouldBe(1);
        (await ClinicCount()).ShouldBe(1);
    }

    [Fact]
    public async Task a_failed_request_does_not_burn_the_key()
    {
        var invalid = await Register(Staff, "fix-and-retry", ClinicScenarios.AClinic() with { Country = "Atlantis" });
        invalid.Context.Response.StatusCode.ShouldBe(400);

        var corrected = await Register(Staff, "fix-and-retry", ClinicScenarios.AClinic());
        corrected.Context.Response.StatusCode.ShouldBe(201);
        (await ClinicCount()).ShouldBe(1);
    }

    [Fact]
    public async Task an_unusable_key_is_a_400()
    {
        var result = await Register(Staff, new string('k', 300), ClinicScenarios.AClinic());
        result.ShouldBeProblem(400).Errors!.Keys.ShouldContain("Idempotency-Key");
        (await ClinicCount()).ShouldBe(0);
    }
}
