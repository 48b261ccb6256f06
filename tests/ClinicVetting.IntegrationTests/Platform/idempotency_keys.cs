using System.Text.Json;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using Marten;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Idempotency-Key on a write with no natural key (evidence on a check): a second execution would be a second record,
/// never a 409, so only the key's handling can keep a retry from writing twice.
/// </summary>
public class idempotency_keys(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private Guid _case;
    private long _openedVersion;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var clinic = await Host.RegisterClinic(Staff);
        _case = await Host.OpenCase(Staff, clinic.Id);
        _openedVersion = (await Host.GetCase(Staff, _case)).Version;
    }

    private static EvidenceBody Evidence(string reference) =>
        new(EvidenceOutcome.Failed, EvidenceSource.Document, reference, TestClock.Start.AddDays(-1), "Checked with the issuer");

    private Task<IScenarioResult> RecordEvidence(string token, string key, EvidenceBody evidence) => Call(token, s =>
    {
        s.Post.Json(evidence).ToUrl($"/api/vetting/cases/{_case}/checks/medical-team/evidence");
        s.WithRequestHeader("Idempotency-Key", key);
        s.IgnoreStatusCode();
    });

    private async Task<int> EvidenceCount(string reference)
    {
        await using var session = Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(_case);
        return events.Select(x => x.Data).OfType<EvidenceRecorded>().Count(x => x.Evidence.Reference == reference);
    }

    private static CaseVersion Answer(IScenarioResult result) => JsonSerializer.Deserialize<CaseVersion>(result.ReadAsText(), Json)!;

    private static bool Replayed(IScenarioResult result) => result.Context.Response.Headers[IdempotencyMiddleware.ReplayedHeader] == "true";

    private async Task<IdempotencyRecord> RecordOf(string user, string key)
    {
        await using var session = Store.QuerySession();
        return (await session.LoadAsync<IdempotencyRecord>($"{user}:{key}")).ShouldNotBeNull();
    }

    [Fact]
    public async Task a_retry_with_the_same_key_and_body_replays_the_first_answer_and_writes_nothing()
    {
        var first = await RecordEvidence(Staff, "evidence-1", Evidence("registry page, 12 May"));
        var retry = await RecordEvidence(Staff, "evidence-1", Evidence("registry page, 12 May"));

        first.Context.Response.StatusCode.ShouldBe(200);
        retry.Context.Response.StatusCode.ShouldBe(200);
        retry.ReadAsText().ShouldBe(first.ReadAsText());
        Replayed(first).ShouldBeFalse();
        Replayed(retry).ShouldBeTrue();
        (await EvidenceCount("registry page, 12 May")).ShouldBe(1);
    }

    [Fact]
    public async Task a_registration_retried_gets_its_201_location_and_etag_again()
    {
        var details = ClinicScenarios.AClinic("Clínica Repetida");
        var first = await Call(Staff, s =>
        {
            s.Post.Json(details).ToUrl("/api/clinics");
            s.WithRequestHeader("Idempotency-Key", "register-repetida-1");
            s.StatusCodeShouldBe(201);
        });
        var retry = await Call(Staff, s =>
        {
            s.Post.Json(details).ToUrl("/api/clinics");
            s.WithRequestHeader("Idempotency-Key", "register-repetida-1");
            s.IgnoreStatusCode();
        });

        retry.Context.Response.StatusCode.ShouldBe(201);
        retry.ReadAsText().ShouldBe(first.ReadAsText());
        retry.Context.Response.Headers.Location.ToString().ShouldBe(first.Context.Response.Headers.Location.ToString());
        retry.Context.Response.Headers.ETag.ToString().ShouldBe(first.Context.Response.Headers.ETag.ToString());
        Replayed(retry).ShouldBeTrue();
    }

    [Fact]
    public async Task the_same_key_with_another_body_is_a_422()
    {
        (await RecordEvidence(Staff, "key-7", Evidence("first reference"))).Context.Response.StatusCode.ShouldBe(200);
        var reused = await RecordEvidence(Staff, "key-7", Evidence("another reference"));

        reused.ShouldBeProblem(422).Type.ShouldEndWith("idempotency-key-reused");
        (await EvidenceCount("first reference")).ShouldBe(1);
        (await EvidenceCount("another reference")).ShouldBe(0);
    }

    [Fact]
    public async Task keys_belong_to_the_caller_that_sent_them()
    {
        var mine = await RecordEvidence(Staff, "shared-key", Evidence("same words"));
        var theirs = await RecordEvidence(Approver, "shared-key", Evidence("same words"));

        mine.Context.Response.StatusCode.ShouldBe(200);
        theirs.Context.Response.StatusCode.ShouldBe(200);
        Replayed(theirs).ShouldBeFalse();
        (await EvidenceCount("same words")).ShouldBe(2);
    }

    [Fact]
    public async Task racing_requests_with_one_key_write_once_and_all_get_its_answer_or_a_short_wait()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RecordEvidence(Staff, "racing-key", Evidence("racing"))));

        attempts.Select(x => x.Context.Response.StatusCode).ShouldAllBe(status => status == 200 || status == 409);
        var answered = attempts.Where(x => x.Context.Response.StatusCode == 200).ToList();
        answered.Count(x => !Replayed(x)).ShouldBe(1);
        answered.Select(x => x.ReadAsText()).Distinct().Count().ShouldBe(1);
        foreach (var waiting in attempts.Where(x => x.Context.Response.StatusCode == 409))
        {
            waiting.ShouldBeProblem(409).Type.ShouldEndWith("idempotency-key-in-flight");
            waiting.Context.Response.Headers.RetryAfter.ToString().ShouldBe("1");
        }

        (await EvidenceCount("racing")).ShouldBe(1);
    }

    [Fact]
    public async Task a_failed_request_does_not_burn_the_key()
    {
        var invalid = await RecordEvidence(Staff, "fix-and-retry", Evidence(""));
        invalid.Context.Response.StatusCode.ShouldBe(400);

        var corrected = await RecordEvidence(Staff, "fix-and-retry", Evidence("corrected"));
        corrected.Context.Response.StatusCode.ShouldBe(200);
        (await EvidenceCount("corrected")).ShouldBe(1);
    }

    [Fact]
    public async Task an_unusable_key_is_a_400()
    {
        var result = await RecordEvidence(Staff, new string('k', 300), Evidence("never written"));
        result.ShouldBeProblem(400).Errors!.Keys.ShouldContain("Idempotency-Key");
        (await EvidenceCount("never written")).ShouldBe(0);
    }

    [Fact]
    public async Task a_crash_between_the_commit_and_the_stored_answer_is_answered_from_what_committed()
    {
        const string key = IdempotencyFaults.CrashBeforeCompletion + "evidence";
        var cutOff = await RecordEvidence(Staff, key, Evidence("cut off"));
        cutOff.Context.Response.StatusCode.ShouldBe(500);
        (await RecordOf("stella-staff", key)).CompletedAt.ShouldBeNull();

        // At once, not after an abandonment window: the command committed, so the answer is known.
        var retry = await RecordEvidence(Staff, key, Evidence("cut off"));

        retry.Context.Response.StatusCode.ShouldBe(200);
        Replayed(retry).ShouldBeTrue();
        Answer(retry).ShouldBe(new CaseVersion(_case, _openedVersion + 1));
        (await EvidenceCount("cut off")).ShouldBe(1);
        (await Host.GetCase(Staff, _case)).Version.ShouldBe(_openedVersion + 1);
    }

    [Fact]
    public async Task a_registration_cut_off_after_its_commit_gets_the_201_location_and_etag_the_first_would_have_got()
    {
        const string key = IdempotencyFaults.CrashBeforeCompletion + "registration";
        var details = ClinicScenarios.AClinic("Clínica Cortada");
        var cutOff = await Call(Staff, s =>
        {
            s.Post.Json(details).ToUrl("/api/clinics");
            s.WithRequestHeader("Idempotency-Key", key);
            s.StatusCodeShouldBe(500);
        });

        var retry = await Call(Staff, s =>
        {
            s.Post.Json(details).ToUrl("/api/clinics");
            s.WithRequestHeader("Idempotency-Key", key);
            s.StatusCodeShouldBe(201);
        });

        await using var session = Store.QuerySession();
        var registered = await session.Query<ClinicProfile>().Where(x => x.Name == "Clínica Cortada").ToListAsync();
        var clinic = registered.ShouldHaveSingleItem();
        retry.Context.Response.Headers.Location.ToString().ShouldBe($"/api/clinics/{clinic.Id}");
        retry.Context.Response.Headers.ETag.ToString().ShouldBe("\"1\"");
        retry.ReadAsJson<NewClinic>()!.Id.ShouldBe(clinic.Id);
        Replayed(retry).ShouldBeTrue();
        cutOff.Context.Response.Headers.Location.ToString().ShouldBeEmpty();
    }

    [Fact]
    public async Task a_failure_after_the_commit_still_answers_what_committed()
    {
        const string reference = IdempotencyFaults.FailAfterCommit + "evidence";
        var result = await RecordEvidence(Staff, "failing-after-commit", Evidence(reference));

        result.Context.Response.StatusCode.ShouldBe(200);
        Replayed(result).ShouldBeFalse();
        Answer(result).ShouldBe(new CaseVersion(_case, _openedVersion + 1));
        (await EvidenceCount(reference)).ShouldBe(1);
    }

    [Fact]
    public async Task a_first_attempt_still_running_on_a_live_node_gets_a_truthful_retry_after_then_is_taken_over_once_abandoned()
    {
        var held = IdempotencyFaults.HoldFirstCommitOfEvidence("slow");
        var first = RecordEvidence(Staff, "slow-first", Evidence("slow"));
        await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var atOnce = await RecordEvidence(Staff, "slow-first", Evidence("slow"));
        atOnce.ShouldBeProblem(409).Type.ShouldEndWith("idempotency-key-in-flight");
        atOnce.Context.Response.Headers.RetryAfter.ToString().ShouldBe("1");

        // Half a minute on and still not committed: it will be taken over in 90 s, and the answer says so.
        Fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        var later = await RecordEvidence(Staff, "slow-first", Evidence("slow"));
        later.ShouldBeProblem(409);
        later.Context.Response.Headers.RetryAfter.ToString().ShouldBe("90");

        Fixture.Clock.Advance(TimeSpan.FromSeconds(91));
        var takenOver = await RecordEvidence(Staff, "slow-first", Evidence("slow"));
        takenOver.Context.Response.StatusCode.ShouldBe(200);
        Replayed(takenOver).ShouldBeFalse();

        // The first attempt finally reaches its commit: it cannot commit a second time, and answers with what did.
        held.Released.SetResult();
        var firstAnswer = await first;
        firstAnswer.Context.Response.StatusCode.ShouldBe(200);
        firstAnswer.ReadAsText().ShouldBe(takenOver.ReadAsText());
        Replayed(firstAnswer).ShouldBeTrue();
        (await EvidenceCount("slow")).ShouldBe(1);
    }

    [Fact]
    public async Task an_attempt_on_another_server_is_waited_for_while_that_server_lives_and_taken_over_at_once_when_it_dies()
    {
        var held = IdempotencyFaults.HoldFirstCommitOfEvidence("elsewhere");
        var first = RecordEvidence(Staff, "elsewhere", Evidence("elsewhere"));
        await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The reservation names another server, alive: it holds its presence lock on a connection of its own.
        const int otherServer = 424_242;
        var otherServersConnection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Fixture.ConnectionString) { Pooling = false }.ConnectionString);
        await otherServersConnection.OpenAsync();
        await using (var presence = new NpgsqlCommand($"select pg_advisory_lock({NodePresence.LockClass}, {otherServer})", otherServersConnection))
        {
            await presence.ExecuteScalarAsync();
        }

        await using (var session = Store.LightweightSession())
        {
            var reservation = await session.LoadAsync<IdempotencyRecord>("stella-staff:elsewhere");
            reservation!.Node = otherServer;
            session.Store(reservation);
            await session.SaveChangesAsync();
        }

        var whileItLives = await RecordEvidence(Staff, "elsewhere", Evidence("elsewhere"));
        whileItLives.ShouldBeProblem(409).Type.ShouldEndWith("idempotency-key-in-flight");
        whileItLives.Context.Response.Headers.RetryAfter.ToString().ShouldBe("1");

        // The other server dies: PostgreSQL drops its lock with its connection, and the next retry runs the command.
        await otherServersConnection.DisposeAsync();
        await WaitUntilReleased(otherServer);
        var retry = await RecordEvidence(Staff, "elsewhere", Evidence("elsewhere"));
        retry.Context.Response.StatusCode.ShouldBe(200);
        Replayed(retry).ShouldBeFalse();
        Answer(retry).ShouldBe(new CaseVersion(_case, _openedVersion + 1));

        // Were it not dead after all, its late commit still cannot write a second time.
        held.Released.SetResult();
        (await first).ReadAsText().ShouldBe(retry.ReadAsText());
        (await EvidenceCount("elsewhere")).ShouldBe(1);
    }

    private async Task WaitUntilReleased(int node)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var query = new NpgsqlCommand(
                $"select count(*) from pg_locks where locktype = 'advisory' and classid::bigint = {NodePresence.LockClass} and objid::bigint = {node}", connection);
            if ((long)(await query.ExecuteScalarAsync())! == 0) return;
            DateTime.UtcNow.ShouldBeLessThan(deadline, "PostgreSQL should drop a dead connection's lock");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task a_key_lives_for_a_day_then_runs_again()
    {
        (await RecordEvidence(Staff, "daily", Evidence("daily"))).Context.Response.StatusCode.ShouldBe(200);
        Fixture.Clock.Advance(TimeSpan.FromHours(23));
        Replayed(await RecordEvidence(Staff, "daily", Evidence("daily"))).ShouldBeTrue();

        Fixture.Clock.Advance(TimeSpan.FromHours(2));
        var nextDay = await RecordEvidence(Staff, "daily", Evidence("daily"));

        nextDay.Context.Response.StatusCode.ShouldBe(200);
        Replayed(nextDay).ShouldBeFalse();
        Answer(nextDay).ShouldBe(new CaseVersion(_case, _openedVersion + 2));
        (await EvidenceCount("daily")).ShouldBe(2);
    }
}
