using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Audit;

/// <summary>
/// The API as real processes, one after the other on one database, each losing registration races: Marten fills the
/// sequence numbers of every failed append with placeholders under a stream id of that process's own, and the check
/// must know them all for what they are, while still catching tampering around them.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class checking_the_log_across_restarts : IAsyncLifetime
{
    private const string Key = "placeholder-tests-signing-key-not-a-secret-0123456789";
    private const string Schema = "clinicvetting";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private string _connection = "";
    private readonly string _token = new TokenIssuer(new SigningKey(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), "test"),
        Options.Create(new AuthOptions())).Issue("placeholder-tester", [Roles.Staff, Roles.Auditor], TimeSpan.FromHours(1));

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_placeholders");
        await Execute($"drop schema if exists {Schema} cascade");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task placeholders_of_failed_appends_written_before_and_after_restarts_leave_the_log_valid_and_tampering_still_shows()
    {
        await using (var first = await ApiProcess.Start(_connection, Key))
        {
            await LoseRegistrationRaces(first, "First");
            first.KillHard();
        }

        await using (var second = await ApiProcess.Start(_connection, Key))
        {
            await LoseRegistrationRaces(second, "Second");
            (await PlaceholderStreams()).Count.ShouldBe(2, "each process writes its placeholders under a stream id of its own");
            ShouldBeValid(await Integrity(second));
        }

        await using var third = await ApiProcess.Start(_connection, Key);
        ShouldBeValid(await Integrity(third));

        var placeholders = await Rows("type = 'tombstone' order by seq_id");
        var foreign = placeholders.First(x => x.StreamId == placeholders[0].StreamId && x.Version > 1);
        var registrations = await Rows("type = 'clinic_registered' order by seq_id");
        var retyped = registrations[0];
        var deleted = registrations[1];
        await Execute($$"""
            update {{Schema}}.mt_events set type = 'tombstone' where seq_id = {{retyped.Seq}};
            delete from {{Schema}}.mt_events where seq_id = {{deleted.Seq}};
            update {{Schema}}.mt_events set type = 'clinic_registered', data = '{"name": "Forged"}' where seq_id = {{foreign.Seq}};
            """);

        var report = await Integrity(third);
        report.Valid.ShouldBeFalse();
        report.Problems.Select(x => (x.Problem, x.Seq, x.StreamId, x.Version)).ShouldBe(
        [
            (Breaks.Edited, retyped.Seq, retyped.StreamId, 1L),
            (Breaks.Missing, deleted.Seq, deleted.StreamId, 1L),
            (Breaks.Missing, null, deleted.StreamId, 1L),
            (Breaks.Edited, foreign.Seq, foreign.StreamId, foreign.Version),
            (Breaks.Edited, null, foreign.StreamId, 0L),
        ], ignoreOrder: true);
    }

    private static void ShouldBeValid(IntegrityReport report)
    {
        report.Problems.ShouldBeEmpty();
        report.Valid.ShouldBeTrue();
        report.EventsChecked.ShouldBeGreaterThan(0);
    }

    /// <summary>Identical registrations at once: one wins, the others fail on the unique name-and-city index after their
    /// events took sequence numbers, which Marten then fills with placeholders. Until this process has written some.</summary>
    private async Task LoseRegistrationRaces(ApiProcess api, string name)
    {
        using var http = Client(api);
        var before = await Scalar($"select count(*) from {Schema}.mt_events where type = 'tombstone'");
        for (var round = 0; round < 10 && await Scalar($"select count(*) from {Schema}.mt_events where type = 'tombstone'") == before; round++)
        {
            var body = ClinicScenarios.AClinic($"{name} Clinic {round}");
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => http.PostAsJsonAsync("/api/clinics", body, Json)));
            answers.Count(x => x.StatusCode == HttpStatusCode.Created).ShouldBe(1);
            answers.Count(x => x.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
            // Marten writes the placeholders after the failed transaction, in the background.
            await Task.Delay(500);
        }

        (await Scalar($"select count(*) from {Schema}.mt_events where type = 'tombstone'")).ShouldBeGreaterThan(before, "no append failed after taking its sequence numbers");
    }

    private async Task<IntegrityReport> Integrity(ApiProcess api)
    {
        using var http = Client(api);
        var response = await http.GetAsync("/api/audit/integrity");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<IntegrityReport>(Json)).ShouldNotBeNull();
    }

    private async Task<IReadOnlyList<Guid>> PlaceholderStreams()
    {
        var rows = await Rows("type = 'tombstone'");
        return rows.Select(x => x.StreamId).Distinct().ToList();
    }

    private async Task<IReadOnlyList<LoggedEvent>> Rows(string where)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select seq_id, stream_id, version, type from {Schema}.mt_events where {where}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<LoggedEvent>();
        while (await reader.ReadAsync())
        {
            rows.Add(new LoggedEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return rows;
    }

    private HttpClient Client(ApiProcess api)
    {
        var http = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return http;
    }

    private async Task<long> Scalar(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
