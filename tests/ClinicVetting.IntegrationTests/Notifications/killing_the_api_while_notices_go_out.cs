using ClinicVetting.Demo;
using ClinicVetting.IntegrationTests.Support;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Notifications;

/// <summary>
/// The API as a real process loads the demo (ten clinics with contact addresses vetted and approved, so ten decision notices
/// go out over SMTP) while the SMTP server answers 451 (try again later), so every notice has failed an attempt and waits for
/// its retry. The server then accepts what the next retries send but holds back its 250, and the process is killed with
/// SIGKILL while it waits: those notices reached the server though the API never learnt it. Started again on the same
/// database, the API sends every notice: each clinic gets its notice at least once, the held ones twice, and a duplicate
/// carries the same Message-ID as the first copy, so the receiver can drop it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class killing_the_api_while_notices_go_out(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string Key = "notice-crash-tests-signing-key-not-a-secret-0123456789";
    // A port the OS hands out, not a fixed one: parallel test runs on one machine (other checkouts) must not collide.
    private static readonly int SmtpPort = ApiProcess.FreePort();
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_notices_crash");
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var reset = new NpgsqlCommand("drop schema if exists clinicvetting cascade", connection);
        await reset.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly Dictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["ClinicVetting__LoadDemoData"] = "true",
        ["ClinicVetting__ProjectionDaemon"] = "Solo",
        ["Notifications__Smtp__Host"] = "127.0.0.1",
        ["Notifications__Smtp__Port"] = SmtpPort.ToString(),
        ["Notifications__Smtp__Security"] = "None",
    }.Concat(
        // Twenty retries two seconds apart: the notices outlive the refusals and the kill, and arrive soon after the restart.
        Enumerable.Range(0, 20).Select(i => KeyValuePair.Create($"Notifications__RetryDelaysSeconds__{i}", "2")))
        .ToDictionary();

    /// <summary>The clinics whose notice has failed at least one attempt and waits to be tried again.</summary>
    private async Task<int> ClinicsWithANoticeRetrying()
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "select count(distinct data->>'clinicId') from clinicvetting.mt_doc_noticedelivery " +
            "where data->>'status' = 'Retrying' and (data->>'attempts')::int >= 1", connection);
        try
        {
            return Convert.ToInt32(await count.ExecuteScalarAsync());
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>Every decision notice event and the case decisions, for a failure to show where a second notice came from.</summary>
    private async Task<IReadOnlyList<string>> DecisionNoticesInTheLog()
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select seq_id, stream_id, version, type, id, timestamp, data::text from clinicvetting.mt_events " +
            "where type in ('vetting_decision_notice_sent', 'vetting_case_approved', 'vetting_case_opened', 'clinic_vetting_approved') order by seq_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add($"{reader.GetInt64(0)} {reader.GetGuid(1)} v{reader.GetInt64(2)} {reader.GetString(3)} id={reader.GetGuid(4)} at {reader.GetDateTime(5):O} {reader.GetString(6)}");
        }

        return lines;
    }

    /// <summary>Every notice delivery this database holds, by id.</summary>
    private async Task<IReadOnlyDictionary<string, string>> NoticesMade()
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select id, data->>'clinicName', data->>'caseId', data->>'createdAt', data->>'status', data->>'attempts' " +
            "from clinicvetting.mt_doc_noticedelivery order by data->>'createdAt'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var notices = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            var id = reader.GetGuid(0).ToString();
            notices[id] = $"{id} {reader.GetString(1)} case {(reader.IsDBNull(2) ? "-" : reader.GetString(2))} made {reader.GetString(3)} {reader.GetString(4)} after {reader.GetString(5)} attempts";
        }

        return notices;
    }

    [Fact]
    public async Task every_notice_arrives_at_least_once_and_a_duplicate_carries_the_same_message_id()
    {
        await using var smtp = new TestSmtpServer(SmtpPort);
        smtp.Defer(true);
        var expected = SeedClinics.Clinics.Select(SeedClinics.DemoAddress).ToHashSet();

        var retrying = 0;
        var api = await ApiProcess.Start(_connection, Key, settings: Settings);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(180);
            while ((retrying = await ClinicsWithANoticeRetrying()) < expected.Count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            if (retrying == expected.Count)
            {
                // The next retries reach the server, which keeps them and holds its answer: the kill lands in between.
                smtp.Hold();
                smtp.Defer(false);
                while (smtp.HeldCount == 0 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20);
                }
            }
        }
        finally
        {
            api.KillHard();
        }

        var heldAtTheKill = smtp.Received.Select(x => x.To.Mailboxes.Single().Address).ToHashSet();
        output.WriteLine($"{retrying} notices retrying when the server began to accept; {heldAtTheKill.Count} received and unanswered at the kill.");
        retrying.ShouldBe(expected.Count, "every clinic's notice had failed an attempt and waited for a retry");
        heldAtTheKill.ShouldNotBeEmpty("a notice reached the server and the kill came before the API heard it was accepted");
        heldAtTheKill.Count.ShouldBeLessThan(expected.Count, "some notices were still waiting for their retry at the kill");
        smtp.Release();

        await using (await ApiProcess.Start(_connection, Key, settings: Settings))
        {
            var deadline = DateTime.UtcNow.AddSeconds(180);
            bool AllArrived() => smtp.Received.Select(x => x.To.Mailboxes.Single().Address).Where(x => !heldAtTheKill.Contains(x)).Distinct().Count()
                                 == expected.Count - heldAtTheKill.Count
                                 && heldAtTheKill.All(x => smtp.Received.Count(m => m.To.Mailboxes.Single().Address == x) >= 2);
            while (!AllArrived() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }

        var received = smtp.Received.ToList();
        output.WriteLine($"{received.Count} e-mails in all for {expected.Count} clinics.");
        received.SelectMany(x => x.To.Mailboxes).Select(x => x.Address).ToHashSet().ShouldBe(expected, ignoreOrder: true);
        received.ShouldAllBe(x => !string.IsNullOrEmpty(x.MessageId));
        var byClinic = received.GroupBy(x => x.To.Mailboxes.Single().Address).ToDictionary(x => x.Key, x => x.ToList());
        if (byClinic.Values.Any(x => x.Select(m => m.MessageId).Distinct().Count() > 1))
        {
            output.WriteLine("A clinic got two different notices; the decision notices in the log:");
            foreach (var line in await DecisionNoticesInTheLog())
            {
                output.WriteLine(line);
            }

            // Whether this database made the extra notice (a delivery row for it) or it reached our server from elsewhere.
            var made = await NoticesMade();
            output.WriteLine("The notices this database made:");
            foreach (var line in made.Values)
            {
                output.WriteLine(line);
            }

            foreach (var foreign in received.Where(x => !made.ContainsKey((x.MessageId ?? "").Split('@')[0])))
            {
                output.WriteLine($"Received with no notice of this database behind it: {foreign.MessageId} to {foreign.To} dated {foreign.Date:O}");
            }
        }

        // At least once: a notice the server got before the kill, unanswered, is sent again after the restart.
        heldAtTheKill.ShouldAllBe(x => byClinic[x].Count >= 2);
        // The duplicate carries the first copy's Message-ID: one id per clinic's notice, however many times it was sent.
        byClinic.Values.ShouldAllBe(x => x.Select(m => m.MessageId).Distinct().Count() == 1);
        received.Select(x => x.MessageId).Distinct().Count().ShouldBe(expected.Count);
    }
}
