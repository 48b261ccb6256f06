using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// The projection daemon of a real API process (in test hosts, MartenDaemonModeIsSolo swaps in Marten's explicit
/// coordinator, which projects only when a test forces it: see AppFixture). A shard the daemon stopped because another
/// process moved its progress (two nodes on one shard for a moment after a PostgreSQL restart, issue 15) is started
/// again from its committed progress, nobody forcing it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class running_the_projection_daemon : IAsyncLifetime
{
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_daemon");
        await Sql("drop schema if exists clinicvetting cascade");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_shard_stopped_because_another_process_moved_its_progress_resumes_from_its_committed_progress()
    {
        await using var api = await ApiProcess.Start(_connection, ClusterUnderTest.Key,
            settings: new Dictionary<string, string> { ["ClinicVetting__ProjectionDaemon"] = "Solo" });
        using var staff = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterUnderTest.Token("daemon-staff", Roles.Staff));

        // Given every shard caught up, by the daemon itself.
        (await staff.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic("Clinic Before The Race"), ClusterUnderTest.Json)).StatusCode.ShouldBe(HttpStatusCode.Created);
        await EveryShardReachesTheLastEvent(TimeSpan.FromSeconds(60));

        // When another process moves one shard's progress underneath its agent (as a stale node's late commit does), and
        // new events arrive: the agent's next commit fails Marten's progress check, and the daemon stops it.
        await Sql("update clinicvetting.mt_event_progression set last_seq_id = last_seq_id - 1 where name = 'PublicRanking:All'");
        (await staff.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic("Clinic After The Race"), ClusterUnderTest.Json)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var stopped = Stopwatch.StartNew();
        while (await Sql("select agent_status from clinicvetting.mt_event_progression where name = 'PublicRanking:All'") as string != "Stopped")
        {
            stopped.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the daemon did not stop the shard whose progress moved: " + await Progress());
            await Task.Delay(50);
        }

        // Then the shard runs again and catches up with the log.
        await EveryShardReachesTheLastEvent(TimeSpan.FromSeconds(30));
        (await Sql("select agent_status from clinicvetting.mt_event_progression where name = 'PublicRanking:All'")).ShouldBe("Running");
    }

    /// <summary>Every async projection has a progress row, and none is behind the last event.</summary>
    private async Task EveryShardReachesTheLastEvent(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        const string caughtUp = """
            select count(*) filter (where last_seq_id >= (select max(seq_id) from clinicvetting.mt_events)) = 4 and count(*) = 4
            from clinicvetting.mt_event_progression
            where name in ('PublicRanking:All', 'ClinicReviewStats:All', 'ReviewFairnessDay:All', 'ReviewFairnessOverallDay:All')
            """;
        while (await Sql(caughtUp) is not true)
        {
            clock.Elapsed.ShouldBeLessThan(timeout, "a projection shard stayed behind: " + await Progress());
            await Task.Delay(50);
        }
    }

    private async Task<string> Progress() => await Sql("""
        select 'log at ' || (select max(seq_id) from clinicvetting.mt_events) || ': '
               || coalesce(string_agg(name || '=' || last_seq_id || ' ' || coalesce(agent_status, '?'), ', '), 'no progress rows')
        from clinicvetting.mt_event_progression
        """) as string ?? "";

    private async Task<object?> Sql(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        try
        {
            return await command.ExecuteScalarAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }
}
