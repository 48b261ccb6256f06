using System.Text.Json.Nodes;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using Marten;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Events as the code before issue 12's move wrote them (Fixtures/EventsBeforeIssue12, captured from that code): one of every
/// stored type with every member filled, and the demo's log. The moved code must read them all, by their stored names.
/// </summary>
public class reading_events_written_before_the_move(AppFixture fixture) : IntegrationContext(fixture)
{
    private static JsonArray Recorded(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "EventsBeforeIssue12", name)))!.AsArray();

    [Fact]
    public async Task every_stored_event_type_is_read_back_under_its_stored_name_with_every_member_intact()
    {
        var events = Recorded("every-event-type.json");
        events.Count.ShouldBe(46);
        var streams = new List<(Guid Stream, JsonNode Data, string Type)>();
        await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var e in events)
            {
                var stream = Guid.NewGuid();
                await Insert(connection, stream, 1, e!["type"]!.GetValue<string>(), e["dotnetType"]!.GetValue<string>(), e["data"]!.ToJsonString());
                streams.Add((stream, e["data"]!, e["type"]!.GetValue<string>()));
            }
        }

        var serializer = Store.Options.Serializer();
        await using var session = Store.QuerySession();
        var unread = new List<string>();
        foreach (var (stream, data, type) in streams)
        {
            var read = (await session.Events.FetchStreamAsync(stream)).ShouldHaveSingleItem();
            read.EventTypeName.ShouldBe(type);
            var again = JsonNode.Parse(serializer.ToJson(read.Data))!;
            if (!JsonNode.DeepEquals(again, data))
            {
                unread.Add($"{type}: stored {data.ToJsonString()}, read back {again.ToJsonString()}");
            }
        }

        unread.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_clinic_vetted_before_the_move_is_served_with_its_standing_folded_from_the_old_events()
    {
        var log = Recorded("demo-log.json");
        var registered = log.First(x => x!["type"]!.GetValue<string>() == "clinic_registered")!;
        var clinicId = registered["streamId"]!.GetValue<Guid>();
        var caseId = log.First(x => x!["type"]!.GetValue<string>() == "clinic_vetting_case_opened" && x["streamId"]!.GetValue<Guid>() == clinicId)!
            ["data"]!["caseId"]!.GetValue<Guid>();

        await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var e in log.Where(x => x!["streamId"]!.GetValue<Guid>() is var id && (id == clinicId || id == caseId)))
            {
                await Insert(connection, e!["streamId"]!.GetValue<Guid>(), e["version"]!.GetValue<long>(), e["type"]!.GetValue<string>(),
                    e["dotnetType"]!.GetValue<string>(), e["data"]!.ToJsonString());
            }
        }

        await using (var session = Store.QuerySession())
        {
            var standing = (await session.Events.AggregateStreamAsync<ClinicStanding>(clinicId)).ShouldNotBeNull();
            standing.Status.ShouldBe(ClinicStatus.Approved);
            standing.Name.ShouldBe(registered["data"]!["details"]!["name"]!.GetValue<string>());
            (await session.Events.AggregateStreamAsync<ClinicClaims>(clinicId)).ShouldNotBeNull().Licenses.ShouldHaveSingleItem();
            (await session.Events.AggregateStreamAsync<VettingCase>(caseId)).ShouldNotBeNull().Status.ShouldBe(CaseStatus.Approved);
        }

        // The database before the move held the clinic's profile but no standing: the start-up backfill folds it.
        await Store.Advanced.RebuildSingleStreamAsync<ClinicProfile>(clinicId);
        await new ClinicStandingBackfill().Populate(Store, CancellationToken.None);

        var clinic = await Host.GetClinic(Staff, clinicId);
        clinic.Status.ShouldBe(ClinicStatus.Approved);
        clinic.ApprovedCaseId.ShouldBe(caseId);
        clinic.Name.ShouldBe(registered["data"]!["details"]!["name"]!.GetValue<string>());
    }

    private static async Task Insert(NpgsqlConnection connection, Guid stream, long version, string type, string dotnetType, string data)
    {
        await using var command = new NpgsqlCommand("""
            insert into clinicvetting.mt_streams (id, type, version) values (@stream, null, @version)
              on conflict (id) do update set version = excluded.version;
            insert into clinicvetting.mt_events (seq_id, id, stream_id, version, data, type, mt_dotnet_type, user_name)
              values (nextval('clinicvetting.mt_events_sequence'), @id, @stream, @version, @data::jsonb, @type, @dotnet, 'written-before-the-move');
            """, connection);
        command.Parameters.AddWithValue("stream", stream);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("id", Guid.NewGuid());
        command.Parameters.AddWithValue("data", data);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("dotnet", dotnetType);
        await command.ExecuteNonQueryAsync();
    }
}
