using Alba;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Audit;

/// <summary>
/// Marten's placeholders for failed appends pass the check; nothing made to look like one does, and none hides an event
/// that was chained. (The same across processes and restarts: <see cref="checking_the_log_across_restarts"/>.)
/// </summary>
public class telling_placeholders_from_tampering(AppFixture fixture) : EventLogContext(fixture)
{
    /// <summary>
    /// Identical registrations at once: the losers fail on the unique name-and-city index after their events took sequence
    /// numbers, and Marten fills those with placeholders, in the background. Until there are at least two, all landed.
    /// </summary>
    private async Task<IReadOnlyList<LoggedEvent>> PlaceholdersOfFailedRegistrations()
    {
        var placeholders = await Placeholders();
        for (var round = 0; round < 10 && placeholders.Count < 2; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Call(Staff, s =>
            {
                s.Post.Json(ClinicScenarios.AClinic($"Raced Clinic {round}")).ToUrl("/api/clinics");
                s.IgnoreStatusCode();
            })));
            answers.Select(x => x.Context.Response.StatusCode).Order().ShouldBe([201, 409, 409, 409, 409, 409]);

            // Marten posted them before the losers' answers went out; they land within milliseconds.
            for (var landed = -1; landed != placeholders.Count;)
            {
                landed = placeholders.Count;
                await Task.Delay(300);
                placeholders = await Placeholders();
            }
        }

        placeholders.Count.ShouldBeGreaterThanOrEqualTo(2, "no registration failed after taking its sequence numbers: nothing to test with");
        return placeholders;
    }

    private async Task<IReadOnlyList<LoggedEvent>> Placeholders()
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select seq_id, stream_id, version, type from {Schema}.mt_events where type = 'tombstone' order by seq_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<LoggedEvent>();
        while (await reader.ReadAsync())
        {
            rows.Add(new LoggedEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return rows;
    }

    /// <summary>What the trigger would record for the row as it is now: an attacker with SQL access can call the function too.</summary>
    private Task RecordHashAgain(long seq) => Tamper($"""
        delete from {Schema}.{HashChainSchema.HashTable} where seq_id = {seq};
        select {Schema}.{HashChainTrigger.RecordFunction}(e) from {Schema}.mt_events e where e.seq_id = {seq};
        """);

    /// <summary>Rewrites an event into exactly what Marten writes as a placeholder, in the given stream.</summary>
    private Task RewriteAsPlaceholder(LoggedEvent real, Guid placeholderStream) => Tamper($$"""
        update {{Schema}}.mt_events set stream_id = '{{placeholderStream}}', version = seq_id, type = 'tombstone', data = '{}',
            user_name = null, correlation_id = null, causation_id = null, headers = null
        where seq_id = {{real.Seq}}
        """);

    private async Task<IReadOnlyList<(string Problem, long? Seq, Guid? StreamId, long? Version)>> Problems() =>
        (await Integrity()).Problems.Select(x => (x.Problem, x.Seq, x.StreamId, x.Version)).ToList();

    [Fact]
    public async Task placeholders_of_failed_appends_leave_the_log_valid_sealed_or_not()
    {
        await AClinicWithTwoEvents("Clínica Uno");
        var placeholders = await PlaceholdersOfFailedRegistrations();
        var seal = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();
        await AClinicWithTwoEvents("Clínica Dos");

        var report = await Integrity();

        report.Problems.ShouldBeEmpty();
        report.Valid.ShouldBeTrue();
        report.EventsChecked.ShouldBe(seal.EventCount + 2);
        placeholders.ShouldAllBe(x => x.Seq <= seal.UptoSeq && x.Version == x.Seq);
    }

    [Fact]
    public async Task a_real_event_given_the_placeholders_type_or_whole_shape_is_caught_at_its_sequence()
    {
        var placeholderStream = (await PlaceholdersOfFailedRegistrations())[0].StreamId;
        var retyped = (await EventsOf(await AClinicWithTwoEvents("Clínica Uno")))[0];
        var reshaped = (await EventsOf(await AClinicWithTwoEvents("Clínica Dos")))[0];

        await Tamper($"update {Schema}.mt_events set type = 'tombstone' where seq_id = {retyped.Seq}");
        await RewriteAsPlaceholder(reshaped, placeholderStream);

        (await Problems()).ShouldBe(
        [
            (Breaks.Edited, retyped.Seq, retyped.StreamId, 1),
            (Breaks.OutOfOrder, reshaped.Seq, placeholderStream, reshaped.Seq),
        ]);
    }

    [Fact]
    public async Task a_placeholder_cannot_stand_in_for_a_chained_event_even_with_its_hash_recorded_again()
    {
        var placeholderStream = (await PlaceholdersOfFailedRegistrations())[0].StreamId;
        var first = await EventsOf(await AClinicWithTwoEvents("Clínica Uno"));
        var second = await EventsOf(await AClinicWithTwoEvents("Clínica Dos"));

        await RewriteAsPlaceholder(first[0], placeholderStream);
        await RecordHashAgain(first[0].Seq);
        await RewriteAsPlaceholder(second[1], placeholderStream);
        await RecordHashAgain(second[1].Seq);

        // The rewritten rows pass as placeholders; the chains they were cut from do not.
        (await Problems()).ShouldBe(
        [
            (Breaks.Missing, first[1].Seq, first[1].StreamId, 1),
            (Breaks.Missing, null, second[1].StreamId, 2),
        ]);
    }

    [Fact]
    public async Task a_placeholder_made_to_look_like_a_real_event_is_caught_with_or_without_its_hash_recorded_again()
    {
        var placeholders = await PlaceholdersOfFailedRegistrations();
        var stream = placeholders[0].StreamId;
        var recorded = placeholders[0];
        var edited = placeholders[^1];

        await Tamper($$"""
            update {{Schema}}.mt_events set type = 'clinic_profile_updated', data = '{"yearsOfExperience": 30}', user_name = 'stella-staff'
            where seq_id in ({{recorded.Seq}}, {{edited.Seq}})
            """);
        await RecordHashAgain(recorded.Seq);

        var problems = await Problems();
        problems.ShouldContain((Breaks.Edited, edited.Seq, stream, edited.Version));
        problems.ShouldContain((Breaks.Missing, recorded.Seq, stream, recorded.Version - 1), "the first placeholder of the run has no predecessor to link to");
        problems.ShouldContain((Breaks.Edited, null, stream, 0), "a stream of placeholders now holds a real-looking event");
        problems.ShouldAllBe(x => x.StreamId == stream);
    }

    [Fact]
    public async Task a_placeholder_written_into_a_stream_of_real_events_is_no_placeholder()
    {
        var clinic = await AClinicWithTwoEvents("Clínica Uno");
        var before = await Placeholders();

        // The insert Marten makes for a placeholder, but into the clinic's stream; the trigger chains it as usual.
        await Tamper($$"""
            with next as (select nextval('{{Schema}}.mt_events_sequence') as seq)
            insert into {{Schema}}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived)
            select seq, gen_random_uuid(), '{{clinic}}', seq, '{}', 'tombstone', '*DEFAULT*', '0001-01-01 00:00:00+00', 'JasperFx.Events.Tombstone, JasperFx.Events', false
            from next
            """);
        var slipped = (await Placeholders()).Except(before).ShouldHaveSingleItem();

        (await Problems()).ShouldBe([(Breaks.Missing, slipped.Seq, clinic, slipped.Seq - 1)]);

        await Tamper($"update {Schema}.mt_streams set version = 0 where id = '{clinic}'");

        (await Problems()).ShouldBe([(Breaks.Edited, null, clinic, 0)]);
    }
}
