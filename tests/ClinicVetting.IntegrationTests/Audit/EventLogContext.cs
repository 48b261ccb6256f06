using Alba;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Audit;

/// <summary>One row of mt_events, as an attacker with SQL access sees it.</summary>
public sealed record LoggedEvent(long Seq, Guid StreamId, long Version, string Type);

/// <summary>Builds a small log through the API, then tampers with it behind the application's back, in SQL.</summary>
public abstract class EventLogContext(AppFixture fixture) : IntegrationContext(fixture)
{
    protected string Schema => Store.Options.Events.DatabaseSchemaName;
    protected AuditSealer Sealer => Host.Services.GetRequiredService<AuditSealer>();

    /// <summary>A clinic registered and then updated by staff: a stream of two events with user names and correlation ids.</summary>
    protected async Task<Guid> AClinicWithTwoEvents(string name)
    {
        var clinic = await Host.RegisterClinic(Staff, ClinicScenarios.AClinic(name));
        await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic(name) with { YearsOfExperience = 12 }).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", "\"1\"");
        });
        return clinic.Id;
    }

    protected async Task<IReadOnlyList<LoggedEvent>> EventsOf(Guid streamId)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand(
            $"select seq_id, stream_id, version, type from {Schema}.mt_events where stream_id = @stream order by version", connection);
        command.Parameters.AddWithValue("stream", streamId);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<LoggedEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(new LoggedEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return events;
    }

    /// <summary>SQL straight at the database, as a DBA (or an intruder with the application's credentials) could run it.</summary>
    protected async Task Tamper(string sql)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What an attacker who knows the algorithm does after editing an event: recompute its recorded hash.</summary>
    protected Task RecomputeHashOf(long seq) => Tamper($"""
        update {Schema}.{HashChainSchema.HashTable} h set event_hash = {EventHashSql.Of("e", "h.prev_hash")}
        from {Schema}.mt_events e where e.seq_id = h.seq_id and h.seq_id = {seq}
        """);

    protected async Task<IntegrityReport> Integrity(string query = "")
    {
        var result = await Call(Auditor, s => s.Get.Url("/api/audit/integrity" + query));
        return result.ReadAsJson<IntegrityReport>().ShouldNotBeNull();
    }

    protected async Task<AuditSeal> LatestSeal()
    {
        var result = await Call(Auditor, s => s.Get.Url("/api/audit/seals/latest"));
        return result.ReadAsJson<AuditSeal>().ShouldNotBeNull();
    }

    private async Task<NpgsqlConnection> Open()
    {
        var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
