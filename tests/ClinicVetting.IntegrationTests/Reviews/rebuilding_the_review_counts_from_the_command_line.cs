using ClinicVetting.IntegrationTests.Support;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Reviews;

/// <summary>
/// `projections rebuild` as an operator runs it (docs/operations.md): the API's own command line, which hands ClinicReviewStats
/// to its streaming rebuild (Program.cs, ProjectionRebuildCommand) and every other projection to Marten's. Counts spoiled in
/// the table come back as the events say, with the progression mark at the last event; an unknown projection is an error.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class rebuilding_the_review_counts_from_the_command_line : IAsyncLifetime
{
    private const string Key = "cli-rebuild-tests-signing-key-not-a-secret-0123456789";
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_cli_rebuild");
        await Execute("drop schema if exists clinicvetting cascade");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> Scalar<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private const string Counts = "select coalesce(string_agg(id::text || '=' || (data - 'Version')::text, ';' order by id), '') from clinicvetting.mt_doc_clinicreviewstats";
    private const string Mark = "select coalesce((select last_seq_id from clinicvetting.mt_event_progression where name = 'ClinicReviewStats:All'), -1)";
    private const string LastEvent = "select coalesce(max(seq_id), 0) from clinicvetting.mt_events";

    [Fact]
    public async Task the_command_line_rebuild_restores_spoiled_counts_and_sets_the_mark()
    {
        // The demo's reviews, counted by the daemon of a real API process.
        await using (await ApiProcess.Start(_connection, Key, settings: new Dictionary<string, string>
                     {
                         ["ClinicVetting__LoadDemoData"] = "true",
                         ["ClinicVetting__ProjectionDaemon"] = "Solo",
                     }))
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline && (await Scalar<long>(Mark) < await Scalar<long>(LastEvent) || await Scalar<string>(Counts) == ""))
            {
                await Task.Delay(200);
            }
        }

        var live = await Scalar<string>(Counts);
        live.ShouldNotBeEmpty("the demo's reviews were counted");

        // Spoiled: every clinic's counts doubled in the table, the mark moved back.
        await Execute("update clinicvetting.mt_doc_clinicreviewstats set data = jsonb_set(data, '{Published}', to_jsonb(coalesce((data ->> 'Published')::int, 0) * 2 + 1))");
        await Execute("update clinicvetting.mt_event_progression set last_seq_id = 1 where name = 'ClinicReviewStats:All'");
        (await Scalar<string>(Counts)).ShouldNotBe(live);

        var (exitCode, output) = await ApiProcess.RunCommand(_connection, Key, "projections", "rebuild", "-p", "ClinicReviewStats");
        exitCode.ShouldBe(0, output);
        (await Scalar<string>(Counts)).ShouldBe(live);
        (await Scalar<long>(Mark)).ShouldBe(await Scalar<long>(LastEvent));

        var (unknownExit, unknownOutput) = await ApiProcess.RunCommand(_connection, Key, "projections", "rebuild", "-p", "NoSuchProjection");
        unknownExit.ShouldBe(1, unknownOutput);
        unknownOutput.ShouldContain("No projection named NoSuchProjection");
    }
}
