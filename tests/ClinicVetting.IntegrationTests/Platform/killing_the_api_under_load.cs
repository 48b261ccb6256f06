using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// The API as a real process, killed with SIGKILL in the middle of a write load, then started again on the same database:
/// every write it acknowledged is there, nothing is there twice, and a scheduled message made before the crash still runs.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class killing_the_api_under_load(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string Key = "reliability-tests-signing-key-not-a-secret-0123456789";
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase) },
    };
    private string _connection = "";
    private readonly string _token = new TokenIssuer(new SigningKey(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), "test"),
        Options.Create(new AuthOptions())).Issue("load-tester", [Roles.Staff], TimeSpan.FromHours(1));

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_reliability");
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var reset = new NpgsqlCommand("drop schema if exists clinicvetting cascade", connection);
        await reset.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string KeyOf(string name) => name.Replace(' ', '-');

    private HttpClient Client(ApiProcess api)
    {
        var http = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return http;
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
    public async Task acknowledged_writes_survive_and_scheduled_work_still_runs()
    {
        var api = await ApiProcess.Start(_connection, Key);
        Guid lapsingClinic;
        var acknowledged = new ConcurrentDictionary<string, Guid>();
        var unknown = new ConcurrentBag<string>();
        try
        {
            using (var http = Client(api))
            {
                // A credential valid for ten more days: its 5-day reminder (and its lapse) are durable scheduled messages made now.
                var created = await http.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic("Lapsing Clinic"), Json);
                created.StatusCode.ShouldBe(HttpStatusCode.Created);
                lapsingClinic = (await created.Content.ReadFromJsonAsync<ClinicCreated>(Json))!.Id;
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                (await http.PostAsJsonAsync($"/api/clinics/{lapsingClinic}/claims/accreditations",
                    new AccreditationInput("GMP Council", "GMP-9", today.AddYears(-1), today.AddDays(10)), Json)).EnsureSuccessStatusCode();
            }

            using var cancel = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                using var http = Client(api);
                for (var i = 0; !cancel.IsCancellationRequested; i++)
                {
                    var name = $"Load Clinic {worker}-{i}";
                    try
                    {
                        var request = new HttpRequestMessage(HttpMethod.Post, "/api/clinics") { Content = JsonContent.Create(ClinicScenarios.AClinic(name), options: Json) };
                        request.Headers.Add("Idempotency-Key", KeyOf(name));
                        var response = await http.SendAsync(request);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged[name] = (await response.Content.ReadFromJsonAsync<ClinicCreated>(Json))!.Id;
                        }
                    }
                    catch (Exception) when (cancel.IsCancellationRequested || true)
                    {
                        unknown.Add(name);
                        return;
                    }
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(3));
            api.KillHard();
            await cancel.CancelAsync();
            await Task.WhenAll(workers);
        }
        finally
        {
            await api.DisposeAsync();
        }

        acknowledged.Count.ShouldBeGreaterThan(20, "the load should have written something before the crash");
        output.WriteLine($"Killed after {acknowledged.Count} acknowledged registrations, {unknown.Count} cut off in flight.");

        await using var restarted = await ApiProcess.Start(_connection, Key);
        using var client = Client(restarted);

        // Every acknowledged write is there, exactly once.
        foreach (var (name, id) in acknowledged)
        {
            (await client.GetAsync($"/api/clinics/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK, name);
        }

        (await Scalar("select count(*) from (select data -> 'details' ->> 'name' as name from clinicvetting.mt_events where type = 'clinic_registered' group by 1 having count(*) > 1) d"))
            .ShouldBe(0);

        // The requests cut off by the crash, retried with their keys: answered, never duplicated.
        foreach (var name in unknown)
        {
            var retry = new HttpRequestMessage(HttpMethod.Post, "/api/clinics") { Content = JsonContent.Create(ClinicScenarios.AClinic(name), options: Json) };
            retry.Headers.Add("Idempotency-Key", KeyOf(name));
            (await client.SendAsync(retry)).StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.Conflict);
            (await Scalar("select count(*) from clinicvetting.mt_events where type = 'clinic_registered' and data -> 'details' ->> 'name' = @name",
                ("name", name))).ShouldBeLessThanOrEqualTo(1);
        }

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
    }
}
