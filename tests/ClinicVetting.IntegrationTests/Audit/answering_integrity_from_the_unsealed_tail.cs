using Alba;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Audit;

public class answering_integrity_from_the_unsealed_tail(AppFixture fixture) : EventLogContext(fixture)
{
    private string Verdicts => $"{Schema}.mt_doc_sealverdict";

    [Fact]
    public async Task a_sealed_range_is_read_once_and_later_answers_come_from_its_stored_verdict()
    {
        await AClinicWithTwoEvents("Clínica Uno");
        var seal = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();

        var first = await Integrity();
        first.Valid.ShouldBeTrue();
        first.Scope.ShouldBe(IntegrityVerifier.ScopeTail);
        first.SealsVerifiedNow.ShouldBe(1);
        first.EventsChecked.ShouldBe(seal.EventCount);

        await AClinicWithTwoEvents("Clínica Dos");
        var second = await Integrity();
        second.Valid.ShouldBeTrue();
        second.SealsVerifiedNow.ShouldBe(0);
        second.SealsFromStoredVerdicts.ShouldBe(1);
        second.OldestStoredVerdictAt.ShouldNotBeNull();
        second.EventsChecked.ShouldBe(2, "only the unsealed tail is read");
        second.UnsealedEvents.ShouldBe(2);
    }

    [Fact]
    public async Task tampering_in_the_unsealed_tail_is_found_while_the_sealed_range_answers_from_its_verdict()
    {
        await AClinicWithTwoEvents("Clínica Uno");
        await Sealer.SealNow(CancellationToken.None);
        (await Integrity()).Valid.ShouldBeTrue();
        var clinic = await AClinicWithTwoEvents("Clínica Dos");
        var updated = (await EventsOf(clinic))[1];

        await Tamper($"update {Schema}.mt_events set data = jsonb_set(data, '{{yearsOfExperience}}', '30') where seq_id = {updated.Seq}");

        var report = await Integrity();
        report.Valid.ShouldBeFalse();
        report.SealsFromStoredVerdicts.ShouldBe(1);
        report.Problems.ShouldHaveSingleItem().ShouldBe(new BrokenLink(Breaks.Edited, report.Problems[0].Detail, updated.Seq, clinic, 2));
    }

    [Fact]
    public async Task removing_the_newest_event_of_a_stream_sealed_before_it_shows_in_the_streams_recorded_version()
    {
        var clinic = await AClinicWithTwoEvents("Clínica Uno");
        await Sealer.SealNow(CancellationToken.None);
        (await Integrity()).Valid.ShouldBeTrue();
        await Call(Staff, s =>
        {
            s.Put.Json(ClinicVetting.IntegrationTests.Clinics.ClinicScenarios.AClinic("Clínica Uno") with { YearsOfExperience = 14 })
                .ToUrl($"/api/clinics/{clinic}");
            s.WithRequestHeader("If-Match", "\"2\"");
        });
        var newest = (await EventsOf(clinic))[2];

        await Tamper($"""
            delete from {Schema}.mt_events where seq_id = {newest.Seq};
            delete from {Schema}.{HashChainSchema.HashTable} where seq_id = {newest.Seq};
            """);

        var broken = (await Integrity()).Problems.ShouldHaveSingleItem();
        broken.ShouldBe(new BrokenLink(Breaks.Missing, broken.Detail, StreamId: clinic, Version: 3));
    }

    [Fact]
    public async Task tampering_in_a_sealed_range_after_its_verdict_is_found_by_a_reverification_and_reported_from_then_on()
    {
        var updated = (await EventsOf(await AClinicWithTwoEvents("Clínica Uno")))[1];
        var seal = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();
        (await Integrity()).Valid.ShouldBeTrue();

        await Tamper($"update {Schema}.mt_events set data = jsonb_set(data, '{{yearsOfExperience}}', '30') where seq_id = {updated.Seq}");

        var fromTheVerdict = await Integrity();
        fromTheVerdict.Valid.ShouldBeTrue("the answer reads the tail; the sealed range stands on the verdict given when it was read");
        fromTheVerdict.SealsFromStoredVerdicts.ShouldBe(1);
        fromTheVerdict.OldestStoredVerdictAt.ShouldNotBeNull();

        var reverification = await Reverify();
        reverification.Status.ShouldBe(LogReverification.Completed);
        reverification.EventsChecked.ShouldBe(reverification.EventsTotal);
        reverification.EventsChecked.ShouldBeGreaterThanOrEqualTo(seal.EventCount);
        var full = reverification.Report.ShouldNotBeNull();
        full.Scope.ShouldBe(IntegrityVerifier.ScopeEverything);
        full.Valid.ShouldBeFalse();
        full.Problems.ShouldHaveSingleItem().Seq.ShouldBe(updated.Seq);

        var afterwards = await Integrity();
        afterwards.Valid.ShouldBeFalse("the renewed verdict of the seal is broken");
        afterwards.SealsFromStoredVerdicts.ShouldBe(1);
        afterwards.EventsChecked.ShouldBe(0);
        afterwards.Problems.ShouldHaveSingleItem().ShouldBe(new BrokenLink(Breaks.Edited, afterwards.Problems[0].Detail, updated.Seq,
            updated.StreamId, 2));
    }

    [Fact]
    public async Task a_verdict_edited_in_the_database_is_not_believed_and_its_range_is_read_again()
    {
        var updated = (await EventsOf(await AClinicWithTwoEvents("Clínica Uno")))[1];
        var seal = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();
        await Tamper($"update {Schema}.mt_events set data = jsonb_set(data, '{{yearsOfExperience}}', '30') where seq_id = {updated.Seq}");
        (await Integrity()).Valid.ShouldBeFalse();

        await Tamper($$"""
            update {{Verdicts}} set data = data || '{"intact": true, "problemCount": 0, "problems": []}'::jsonb where id = {{seal.SealNo}}
            """);

        var report = await Integrity();
        report.Valid.ShouldBeFalse();
        report.SealsVerifiedNow.ShouldBe(1);
        report.Problems.ShouldHaveSingleItem().Seq.ShouldBe(updated.Seq);
    }

    [Fact]
    public async Task a_reverification_never_requested_is_not_found()
    {
        (await Call(Auditor, s =>
        {
            s.Get.Url($"/api/audit/integrity/reverifications/{Guid.NewGuid()}");
            s.StatusCodeShouldBe(404);
        })).ShouldBeProblem(404);
    }

    /// <summary>Requests a re-verification and follows it to its end, as an auditor's client would.</summary>
    private async Task<LogReverification> Reverify()
    {
        var started = await Call(Auditor, s =>
        {
            s.Post.Url("/api/audit/integrity/reverifications");
            s.StatusCodeShouldBe(201);
        });
        var location = started.Context.Response.Headers.Location.ToString();
        location.ShouldStartWith("/api/audit/integrity/reverifications/");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = (await Call(Auditor, s => s.Get.Url(location))).ReadAsJson<LogReverification>().ShouldNotBeNull();
            if (job.Finished || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(100);
        }
    }
}
