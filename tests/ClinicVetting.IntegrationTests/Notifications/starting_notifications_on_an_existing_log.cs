using System.Text.Json.Nodes;
using ClinicVetting.IntegrationTests.Support;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Notifications;

/// <summary>
/// A database whose log was written before notifications existed (the demo's log as the code before issue 12 wrote it, ten
/// decision notices among its events): the first start of a version with notifications begins its subscription at the end of
/// the log, so no clinic is e-mailed its history and no notice is even recorded for it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class starting_notifications_on_an_existing_log(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string Key = "notice-first-run-tests-signing-key-not-a-secret-0123456789";
    // A port the OS hands out, not a fixed one: parallel test runs on one machine (other checkouts) must not collide.
    private static readonly int SmtpPort = ApiProcess.FreePort();
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_notices_first_run");
        await Execute("drop schema if exists clinicvetting cascade");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    [Fact]
    public async Task the_first_start_emails_nothing_from_the_history_before_it()
    {
        // The schema as a node without a daemon creates it (with its reference data); then the old log, written straight into it.
        await using (var schemaOnly = await ApiProcess.Start(_connection, Key, settings: new Dictionary<string, string>
                     {
                         ["ClinicVetting__ProjectionDaemon"] = "Disabled",
                     }))
        {
            await schemaOnly.StopGracefully(TimeSpan.FromSeconds(20));
        }

        var log = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "EventsBeforeIssue12", "demo-log.json")))!.AsArray();
        log.Count(x => x!["type"]!.GetValue<string>() == "vetting_decision_notice_sent").ShouldBe(10);
        await using (var connection = new NpgsqlConnection(_connection))
        {
            await connection.OpenAsync();
            foreach (var e in log)
            {
                await using var insert = new NpgsqlCommand("""
                    insert into clinicvetting.mt_streams (id, type, version) values (@stream, null, @version)
                      on conflict (id) do update set version = excluded.version;
                    insert into clinicvetting.mt_events (seq_id, id, stream_id, version, data, type, mt_dotnet_type, user_name)
                      values (nextval('clinicvetting.mt_events_sequence'), @id, @stream, @version, @data::jsonb, @type, @dotnet, 'written-before-notifications')
                      on conflict do nothing;
                    """, connection);
                insert.Parameters.AddWithValue("stream", e!["streamId"]!.GetValue<Guid>());
                insert.Parameters.AddWithValue("version", e["version"]!.GetValue<long>());
                insert.Parameters.AddWithValue("id", Guid.NewGuid());
                insert.Parameters.AddWithValue("data", e["data"]!.ToJsonString());
                insert.Parameters.AddWithValue("type", e["type"]!.GetValue<string>());
                insert.Parameters.AddWithValue("dotnet", e["dotnetType"]!.GetValue<string>());
                await insert.ExecuteNonQueryAsync();
            }
        }

        var end = await Execute("select max(seq_id) from clinicvetting.mt_events");
        // The old version's daemon had tracked its log to the end; the first run pins the subscription at that high-water mark.
        await Execute($"insert into clinicvetting.mt_event_progression (name, last_seq_id) values ('HighWaterMark', {end}) " +
                      $"on conflict (name) do update set last_seq_id = {end}");
        await using var smtp = new TestSmtpServer(SmtpPort);
        await using (await ApiProcess.Start(_connection, Key, settings: new Dictionary<string, string>
                     {
                         ["ClinicVetting__ProjectionDaemon"] = "Solo",
                         ["Notifications__Smtp__Host"] = "127.0.0.1",
                         ["Notifications__Smtp__Port"] = SmtpPort.ToString(),
                         ["Notifications__Smtp__Security"] = "None",
                     }))
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            long reached;
            while ((reached = await Execute(
                       $"select coalesce(max(last_seq_id), 0) from clinicvetting.mt_event_progression where name like '{ClinicVetting.Notifications.NotificationsModule.Subscription}%'")) < end
                   && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            reached.ShouldBeGreaterThanOrEqualTo(end, "the subscription is at the end of the log");
            // Time for anything it published to be handled on the durable local queues.
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        var notices = await Execute("select count(*) from clinicvetting.mt_doc_noticedelivery");
        output.WriteLine($"{log.Count} old events up to {end}; {notices} notices recorded, {smtp.Received.Count} e-mails.");
        notices.ShouldBe(0);
        smtp.Received.ShouldBeEmpty();
    }
}
