using ClinicVetting.Audit.Integrity;
using ClinicVetting.IntegrationTests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Audit;

/// <summary>
/// The integrity check finds the streams appended to around the last seal by an index on <c>mt_streams.timestamp</c>
/// that the hash chain's schema declares beside Marten's own (issue 17): a database made before it gets it from the
/// installer or <c>db-apply</c>, and Marten's migration of its own table leaves it alone.
/// </summary>
public class indexing_the_streams_for_the_integrity_check(AppFixture fixture) : EventLogContext(fixture)
{
    private const string Database = "clinicvetting_stream_index";
    private const string OwnSchema = "clinicvetting";

    [Fact]
    public async Task a_database_made_before_the_index_gets_it_from_the_installer_and_from_db_apply_and_marten_keeps_it()
    {
        var connection = TestDatabase.Prepare(Database);
        await Execute(connection, $"drop schema if exists {OwnSchema} cascade");
        await using (var first = await AppFixture.StartHost(connection, Fixture.Clock))
        {
            (await IndexOf(connection)).ShouldNotBeNull("a new database gets the index with the hash chain");
        }

        // As a database made before this index existed.
        await Execute(connection, $"drop index {OwnSchema}.{StreamTimestampIndex.Name}");
        (await IndexOf(connection)).ShouldBeNull();

        await using (var restarted = await AppFixture.StartHost(connection, Fixture.Clock))
        {
            (await IndexOf(connection)).ShouldBe($"CREATE INDEX {StreamTimestampIndex.Name} ON {OwnSchema}.mt_streams USING btree (\"timestamp\")",
                "the installer applies the hash chain's schema on start");

            // What db-apply does with the whole store: Marten migrates mt_streams too, and must not drop an index it was told to ignore.
            var store = restarted.Services.GetRequiredService<IDocumentStore>();
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            (await IndexOf(connection)).ShouldNotBeNull("Marten's migration of mt_streams leaves the feature's index alone");
            await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
        }

        await Execute(connection, $"drop index {OwnSchema}.{StreamTimestampIndex.Name}");
        await ApiProcess.ApplySchema(connection, AppFixture.SigningKey);
        (await IndexOf(connection)).ShouldNotBeNull("db-apply creates it on an existing database");
        await ApiProcess.ApplySchema(connection, AppFixture.SigningKey);
        (await IndexOf(connection)).ShouldNotBeNull("a second db-apply keeps it");
    }

    [Fact]
    public async Task one_stream_rewound_among_many_appended_around_the_seal_is_the_one_problem_found()
    {
        var streams = await ManyStreamsOfTwoEvents(300);
        var seal = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();
        (await Integrity()).Valid.ShouldBeTrue();
        var rewound = streams[150];

        await Tamper($"update {Schema}.mt_streams set version = 1 where id = '{rewound}'");

        var answer = await Integrity();
        answer.EventsChecked.ShouldBe(0, "every event is sealed: only the streams appended to in the minute before the seal are checked");
        answer.StreamsChecked.ShouldBeGreaterThanOrEqualTo(streams.Count);
        answer.Problems.ShouldHaveSingleItem().ShouldBe(new BrokenLink(Breaks.Edited, answer.Problems[0].Detail, StreamId: rewound, Version: 1));

        var everything = await Host.Services.GetRequiredService<IntegrityVerifier>()
            .VerifyEverything("test", exported: null, progress: null, CancellationToken.None);
        everything.EventsChecked.ShouldBeGreaterThanOrEqualTo(seal.EventCount);
        everything.StreamsChecked.ShouldBeGreaterThanOrEqualTo(streams.Count);
        everything.Problems.ShouldHaveSingleItem().ShouldBe(new BrokenLink(Breaks.Edited, everything.Problems[0].Detail, StreamId: rewound, Version: 1));
    }

    /// <summary>Streams of two events each, appended through Marten (the hash chain's trigger chains them).</summary>
    private async Task<IReadOnlyList<Guid>> ManyStreamsOfTwoEvents(int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await using (var session = Store.LightweightSession())
        {
            foreach (var (id, i) in ids.Select((x, i) => (x, i)))
            {
                session.Events.StartStream(id, new StreamCheckProbe(i, 1));
            }

            await session.SaveChangesAsync();
        }

        await using (var session = Store.LightweightSession())
        {
            foreach (var (id, i) in ids.Select((x, i) => (x, i)))
            {
                session.Events.Append(id, new StreamCheckProbe(i, 2));
            }

            await session.SaveChangesAsync();
        }

        return ids;
    }

    private static async Task<string?> IndexOf(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid
            where i.indrelid = to_regclass(@streams) and c.relname = @name and i.indisvalid
            """, connection);
        command.Parameters.AddWithValue("streams", $"{OwnSchema}.mt_streams");
        command.Parameters.AddWithValue("name", StreamTimestampIndex.Name);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>An event of the tests' own, so that many streams are cheap to write.</summary>
public sealed record StreamCheckProbe(int Stream, int Step);
