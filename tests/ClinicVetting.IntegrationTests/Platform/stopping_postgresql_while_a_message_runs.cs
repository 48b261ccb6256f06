using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// One API process on a PostgreSQL cluster of this test's own. A scheduled expiry check falls due and its handler is held
/// in the middle of its append (the test holds a lock on the clinic's stream row) when PostgreSQL is stopped (pg_ctl stop
/// -m fast cuts every session, the handler's among them) and started again three seconds later. The check runs once,
/// after PostgreSQL is back: nothing is left in the inbox or the dead letters. An HTTP write sent during the outage is not
/// held for it: it answers 503 with Retry-After at once.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class stopping_postgresql_while_a_message_runs(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Checks = "from clinicvetting.wolverine_incoming_envelopes where message_type like '%CredentialCheckDue%'";
    private const string Reminders = "from clinicvetting.mt_events where type = 'credential_expiry_reminder_issued' and stream_id = @clinic";

    private readonly string _staff = ClusterUnderTest.Token("outage-staff", Roles.Staff);
    private readonly string _approver = ClusterUnderTest.Token("outage-approver", Roles.Approver);

    [Fact]
    public async Task a_check_whose_handler_is_running_at_the_stop_runs_once_after_postgresql_is_back()
    {
        await using var postgres = await OwnPostgresCluster.Start();
        await using var cluster = await ClusterUnderTest.Start(postgres.ConnectionString, 1);
        using var staff = cluster.Client(_staff, cluster.NodeUrl(1));
        using var approver = cluster.Client(_approver, cluster.NodeUrl(1), TimeSpan.FromSeconds(30));

        // Given an accreditation expiring in ten days, its reminders scheduled in the message store.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var created = await staff.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic("Outage Lapsing Clinic"), ClusterUnderTest.Json);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var clinic = (await created.Content.ReadFromJsonAsync<NewClinic>(ClusterUnderTest.Json))!.Id;
        (await staff.PostAsJsonAsync($"/api/clinics/{clinic}/claims/accreditations",
            new AccreditationInput("GMP Council", "GMP-OUTAGE", today.AddYears(-1), today.AddDays(10)), ClusterUnderTest.Json)).EnsureSuccessStatusCode();
        await cluster.Until(async () => await cluster.Scalar($"select count(*) {Checks} and status = 'Scheduled'") >= 2, TimeSpan.FromSeconds(30),
            "the credential checks were not scheduled");
        // The reminders already behind are sent at once (one, the nearest); only the scheduled ones are left to fall due.
        await cluster.Until(async () => await cluster.Scalar($"select count(*) {Reminders}", ("clinic", clinic)) >= 1, TimeSpan.FromSeconds(30),
            "the reminder already behind was not sent");

        // (The approval endpoint has run once, so its answer during the outage is not slowed by its first compilation.)
        (await approver.PostAsync($"/api/vetting/cases/{Guid.NewGuid()}/approval", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // When the reminders fall due while the clinic's stream row is locked, so their handlers wait in their append.
        var holder = new NpgsqlConnection(postgres.ConnectionString);
        await holder.OpenAsync();
        var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("select 1 from clinicvetting.mt_streams where id = @clinic for update", holder, hold))
        {
            lockRow.Parameters.AddWithValue("clinic", clinic);
            (await lockRow.ExecuteScalarAsync()).ShouldNotBeNull();
        }

        await cluster.Scalar($"update clinicvetting.wolverine_incoming_envelopes set execution_time = now() where id in (select id {Checks} and status = 'Scheduled') returning 1");
        var waiting = await cluster.Until(async () => await cluster.Scalar(
                "select count(*) from pg_stat_activity where application_name = 'clinicvetting-node-1' and wait_event_type = 'Lock'") >= 1,
            TimeSpan.FromSeconds(30), "no handler came to wait on the clinic's stream");
        output.WriteLine($"A check's handler waits on the clinic's stream {waiting.TotalSeconds:F1} s after the checks fell due.");

        // And PostgreSQL stops under it (every session cut, the handler's and the lock's), and starts again three seconds later.
        await postgres.Stop();
        try
        {
            await holder.DisposeAsync();
        }
        catch (NpgsqlException)
        {
            // Its session was cut by the stop, as it should be.
        }

        var stopped = Stopwatch.StartNew();

        // An HTTP write meanwhile is not held until the database is back (it would then answer 404: no such case): a 503 with
        // Retry-After, at once.
        var answeredAfter = TimeSpan.Zero;
        var write = Task.Run(async () =>
        {
            var answer = await approver.PostAsync($"/api/vetting/cases/{Guid.NewGuid()}/approval", null);
            answeredAfter = stopped.Elapsed;
            return answer;
        });
        await Task.Delay(TimeSpan.FromSeconds(3));
        await postgres.Begin();
        postgres.ClearPool();
        using var duringTheOutage = await write;
        output.WriteLine($"PostgreSQL away for {stopped.Elapsed.TotalSeconds:F1} s; the write during the outage answered {(int)duringTheOutage.StatusCode} " +
                         $"after {answeredAfter.TotalSeconds:F1} s.");
        duringTheOutage.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "an HTTP write during the outage was held for the database");
        duringTheOutage.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(DatabaseUnavailable.RetryAfterSeconds));

        // Then the check held at the stop runs once, after PostgreSQL is back, and nothing is left in the inbox or the dead letters.
        var ran = await cluster.Until(async () => await cluster.Scalar(
                $"select count(*) {Reminders} and (data ->> 'daysBefore')::int = 5 and timestamp >= pg_postmaster_start_time()", ("clinic", clinic)) >= 1,
            TimeSpan.FromSeconds(60), "the 5-day reminder's check, running at the stop, never ran again");
        output.WriteLine($"The check ran {ran.TotalSeconds:F1} s after PostgreSQL was back.");
        await cluster.Until(async () => await cluster.Scalar($"select count(*) {Checks} and status = 'Incoming'") == 0, TimeSpan.FromSeconds(30),
            "a check is still in the inbox");
        (await cluster.Scalar("select count(*) from clinicvetting.wolverine_dead_letters")).ShouldBe(0, "a message went to the dead letters");
        var reminders = await cluster.Rows($"select (data ->> 'daysBefore')::int {Reminders.Replace("@clinic", $"'{clinic}'")}", r => r.GetInt32(0));
        output.WriteLine($"Reminders in the log: {string.Join(", ", reminders.Select(x => $"{x} days before"))}.");
        reminders.Count(x => x == 5).ShouldBe(1, "the 5-day reminder held at the stop is in the log exactly once");
        reminders.ShouldBeUnique("a reminder ran twice");
    }
}
