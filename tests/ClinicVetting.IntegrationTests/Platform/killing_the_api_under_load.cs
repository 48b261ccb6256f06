using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Vetting.Cases;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// The API as a real process, killed with SIGKILL in the middle of 200 concurrent keyed writes that have no natural key
/// (evidence: a second execution is a second record, never a 409), then started again on the same database. Every
/// request cut off by the crash is retried with its own key, half right after the restart and half only past the
/// abandonment window (the restarted process's clock moved on), then every key once more: no acknowledged write lost,
/// none doubled, every answer the one its write committed, no caller told to wait for a dead process, the log intact,
/// and a scheduled message made before the crash still runs.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class killing_the_api_under_load(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string Key = "reliability-tests-signing-key-not-a-secret-0123456789";
    private const int Cases = 20;
    private const int Writes = 200;
    private const int KillAfterAnswers = 60;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly TokenIssuer Tokens = new(new SigningKey(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), "test"),
        Options.Create(new AuthOptions()));

    private readonly string _staff = Tokens.Issue("load-tester", [Roles.Staff], TimeSpan.FromHours(1));
    private readonly string _auditor = Tokens.Issue("load-auditor", [Roles.Auditor], TimeSpan.FromHours(1));
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_reliability");
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var reset = new NpgsqlCommand("drop schema if exists clinicvetting cascade", connection);
        await reset.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>One keyed evidence write; its reference is its key, so its records can be counted in the log.</summary>
    private sealed record Write(string Key, Guid CaseId, string Check)
    {
        public EvidenceBody Body => new(EvidenceOutcome.Failed, EvidenceSource.Document, Key, ObtainedAt, "Load test");
    }

    private sealed record Answer(int Status, string Body, bool Replayed, string? ProblemType, string? RetryAfter)
    {
        public bool IsStillRunning => Status == 409 && ProblemType?.EndsWith("idempotency-key-in-flight") == true;
        public bool IsLostRace => Status == 409 && !IsStillRunning;
    }

    private static readonly DateTimeOffset ObtainedAt = DateTimeOffset.UtcNow.AddDays(-1);

    private HttpClient Client(ApiProcess api, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<Answer> Send(HttpClient http, Write write)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/vetting/cases/{write.CaseId}/checks/{write.Check}/evidence")
        {
            Content = JsonContent.Create(write.Body, options: Json),
        };
        request.Headers.Add(IdempotencyMiddleware.Header, write.Key);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        string? problemType = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            problemType = JsonDocument.Parse(body).RootElement.GetProperty("type").GetString();
        }

        return new Answer((int)response.StatusCode, body, response.Headers.TryGetValues(IdempotencyMiddleware.ReplayedHeader, out var replayed)
            && replayed.Contains("true"), problemType, response.Headers.RetryAfter?.ToString());
    }

    /// <summary>
    /// Retries one write as a careful client would, until it has an answer: a lost race is retried at once; a "still
    /// running" is counted (nothing should be running after a crash) and waited for as told, within a bound.
    /// </summary>
    private static async Task<Answer> Settle(HttpClient http, Write write, ConcurrentBag<(string Key, string? RetryAfter)> toldToWait)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var answer = await Send(http, write);
            if (answer.IsStillRunning)
            {
                toldToWait.Add((write.Key, answer.RetryAfter));
            }

            if (!answer.IsStillRunning && !answer.IsLostRace || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(answer.IsStillRunning ? TimeSpan.FromSeconds(Math.Min(2, int.Parse(answer.RetryAfter ?? "1"))) : TimeSpan.FromMilliseconds(50));
        }
    }

    private static async Task<Dictionary<string, Answer>> SettleAll(HttpClient http, IEnumerable<Write> writes,
        ConcurrentBag<(string Key, string? RetryAfter)> toldToWait)
    {
        var answers = new ConcurrentDictionary<string, Answer>();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (write, _) => answers[write.Key] = await Settle(http, write, toldToWait));
        return answers.ToDictionary();
    }

    private async Task<List<(string Reference, Guid StreamId, long Version)>> EvidenceInTheLog()
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "select data -> 'evidence' ->> 'reference', stream_id, version from clinicvetting.mt_events where type = 'evidence_recorded'", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var found = new List<(string, Guid, long)>();
        while (await reader.ReadAsync())
        {
            found.Add((reader.GetString(0), reader.GetGuid(1), reader.GetInt64(2)));
        }

        return found;
    }

    private async Task<long> Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task no_write_is_lost_or_doubled_by_a_crash_and_retries_and_scheduled_work_still_runs()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Given twenty open vetting cases, and a credential whose expiry reminder is a durable scheduled message.
        var api = await ApiProcess.Start(_connection, Key);
        var writes = new List<Write>();
        Guid lapsingClinic;
        var first = new ConcurrentDictionary<string, Answer>();
        var cutOff = new ConcurrentBag<Write>();
        try
        {
            using (var http = Client(api, _staff))
            {
                var cases = await Task.WhenAll(Enumerable.Range(0, Cases).Select(async i =>
                {
                    var registered = await http.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic($"Load Clinic {i}"), Json);
                    registered.StatusCode.ShouldBe(HttpStatusCode.Created);
                    var clinic = (await registered.Content.ReadFromJsonAsync<NewClinic>(Json))!.Id;
                    var opened = await http.PostAsJsonAsync("/api/vetting/cases", new OpenCaseInput(clinic), Json);
                    opened.StatusCode.ShouldBe(HttpStatusCode.Created);
                    return (await opened.Content.ReadFromJsonAsync<NewVettingCase>(Json))!.Id;
                }));

                writes.AddRange(Enumerable.Range(0, Writes).Select(i =>
                    new Write($"evidence-{i:D3}", cases[i % Cases], VettingScenarios.AllChecks[i % VettingScenarios.AllChecks.Length])));

                var created = await http.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic("Lapsing Clinic"), Json);
                lapsingClinic = (await created.Content.ReadFromJsonAsync<NewClinic>(Json))!.Id;
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                (await http.PostAsJsonAsync($"/api/clinics/{lapsingClinic}/claims/accreditations",
                    new AccreditationInput("GMP Council", "GMP-9", today.AddYears(-1), today.AddDays(10)), Json)).EnsureSuccessStatusCode();
            }
            // When 200 keyed writes arrive at once and the process is killed once 60 of them have been answered.
            using var load = Client(api, _staff);
            var answered = 0;
            var sent = writes.Select(async write =>
            {
                try
                {
                    first[write.Key] = await Send(load, write);
                    Interlocked.Increment(ref answered);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    cutOff.Add(write);
                }
            }).ToList();

            var killDeadline = DateTime.UtcNow.AddSeconds(60);
            while (Volatile.Read(ref answered) < KillAfterAnswers && DateTime.UtcNow < killDeadline)
            {
                await Task.Delay(5);
            }

            api.KillHard();
            await Task.WhenAll(sent);
        }
        finally
        {
            await api.DisposeAsync();
        }
        first.Values.Where(x => x.Status != 200 && !x.IsLostRace).ShouldBeEmpty("before the crash every write is answered 200, or 409 for a lost race");
        first.Count(x => x.Value.Status == 200).ShouldBeGreaterThan(20, "the load should have written something before the crash");
        cutOff.Count.ShouldBeGreaterThan(0, "the crash should have cut requests off");
        var unanswered = writes.Where(x => !first.TryGetValue(x.Key, out var answer) || answer.IsLostRace).ToList();
        var committedUnanswered = (await EvidenceInTheLog()).Select(x => x.Reference).Intersect(cutOff.Select(x => x.Key)).Count();
        output.WriteLine($"Killed after {first.Count(x => x.Value.Status == 200)} acknowledged writes; {cutOff.Count} cut off " +
                         $"({committedUnanswered} of them had committed), {unanswered.Count - cutOff.Count} lost a race and were released.");

        var toldToWait = new ConcurrentBag<(string Key, string? RetryAfter)>();
        var settled = new Dictionary<string, Answer>();
        var retriedEarly = unanswered.Where((_, i) => i % 2 == 0).ToList();
        var retriedLate = unanswered.Where((_, i) => i % 2 == 1).ToList();

        // Then, restarted at once: half of the unanswered writes retried before the abandonment window is over.
        await using (var restarted = await ApiProcess.Start(_connection, Key))
        using (var client = Client(restarted, _staff))
        {
            foreach (var (key, answer) in await SettleAll(client, retriedEarly, toldToWait)) settled[key] = answer;
        }
        // Restarted again with its clock past the abandonment window: the other half retried for the first time, then
        // every write once more.
        await using var later = await ApiProcess.Start(_connection, Key, settings: new Dictionary<string, string>
        {
            ["ClinicVetting__Testing__ClockOffset"] = (IdempotencyMiddleware.AbandonedAfter + TimeSpan.FromMinutes(1)).ToString(),
        });
        using var lateClient = Client(later, _staff);
        foreach (var (key, answer) in await SettleAll(lateClient, retriedLate, toldToWait)) settled[key] = answer;
        var again = await SettleAll(lateClient, writes, toldToWait);
        toldToWait.ShouldBeEmpty("no caller is told to wait for an attempt whose process is dead");
        settled.Values.Where(x => x.Status != 200).ShouldBeEmpty("every retried write gets its answer");
        var answers = writes.ToDictionary(x => x.Key, x => settled.TryGetValue(x.Key, out var retried) ? retried : first[x.Key]);
        foreach (var write in writes)
        {
            again[write.Key].Status.ShouldBe(200, write.Key);
            again[write.Key].Replayed.ShouldBeTrue(write.Key);
            again[write.Key].Body.ShouldBe(answers[write.Key].Body, write.Key);
        }

        // Every write recorded exactly once, and each answer names the version its own record has in its case's stream.
        var log = (await EvidenceInTheLog()).Where(x => x.Reference.StartsWith("evidence-")).ToList();
        var perKey = log.GroupBy(x => x.Reference).ToDictionary(x => x.Key, x => x.ToList());
        var lost = writes.Count(x => !perKey.ContainsKey(x.Key));
        var doubled = perKey.Count(x => x.Value.Count > 1);
        output.WriteLine($"Retried {retriedEarly.Count} before the window and {retriedLate.Count} after it; lost {lost}, doubled {doubled}.");
        lost.ShouldBe(0);
        doubled.ShouldBe(0);
        foreach (var write in writes)
        {
            var answer = JsonSerializer.Deserialize<CaseVersion>(answers[write.Key].Body, Json)!;
            var recorded = perKey[write.Key].Single();
            (recorded.StreamId, recorded.Version).ShouldBe((answer.CaseId, answer.Version), write.Key);
        }
        // The log is intact after the crash and the restarts, Marten's placeholder (tombstone) events for appends that lost a race included.
        using var auditor = Client(later, _auditor);
        var report = (await auditor.GetFromJsonAsync<IntegrityReport>("/api/audit/integrity", Json))!;
        output.WriteLine($"Integrity: {report.ProblemCount} problems; {await Scalar("select count(*) from clinicvetting.mt_events where type = 'tombstone'")} placeholder events in the log.");
        report.Problems.ShouldBeEmpty();
        report.ProblemCount.ShouldBe(0);
        report.Valid.ShouldBeTrue();
        // The reminder scheduled before the crash is still in the durable inbox; brought forward, the restarted API runs it.
        (await Scalar("select count(*) from clinicvetting.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%CredentialCheckDue%'"))
            .ShouldBe(2);
        await Scalar("update clinicvetting.wolverine_incoming_envelopes set execution_time = now() - interval '1 second' where status = 'Scheduled' and message_type like '%CredentialCheckDue%' returning 1");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await Scalar("select count(*) from clinicvetting.mt_events where type = 'credential_expiry_reminder_issued' and stream_id = @id and (data ->> 'daysBefore')::int = 5",
                   ("id", lapsingClinic)) == 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the scheduled reminder did not run after the restart");
            await Task.Delay(500);
        }
        output.WriteLine($"Took {clock.Elapsed.TotalSeconds:F0} s.");
    }
}
