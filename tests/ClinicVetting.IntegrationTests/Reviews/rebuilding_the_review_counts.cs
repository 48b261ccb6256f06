using System.Text.Json;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using JasperFx;
using Marten;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Reviews;

/// <summary>
/// ClinicReviewStats' own rebuild (one streaming pass, the counts folded in memory, one COPY with the progression mark;
/// <see cref="ClinicReviewStatsRebuild"/>) writes every clinic's document field for field as the live projection and
/// Marten's rebuild do, and leaves the daemon to go on from its mark: no event counted twice, none skipped.
/// </summary>
public class rebuilding_the_review_counts(AppFixture fixture) : ReviewsContext(fixture)
{
    private static readonly string[] EveryReviewEvent =
    [
        "review_submitted", "review_submitted_and_screened", "review_held_for_moderation", "review_published", "review_rejected", "review_restored",
    ];

    [Fact]
    public async Task the_streaming_rebuild_writes_the_documents_of_the_live_projection_and_of_Martens_rebuild()
    {
        var clinics = await Clinics("North Clinic", "South Clinic");
        await VariedHistory(clinics, "first");
        await CatchUpProjections();
        await HistoryCovered();
        var live = await AllStats();
        live.Count.ShouldBe(clinics.Count);

        var rebuilt = await RebuildOurs();
        rebuilt.Clinics.ShouldBe(clinics.Count);
        rebuilt.Mark.ShouldBe(await LastSequence());
        (await Progression()).ShouldBe(rebuilt.Mark);
        (await AllStats()).ShouldBe(live, "the streaming rebuild against the live projection");

        await RebuildMartens();
        (await AllStats()).ShouldBe(live, "Marten's rebuild against the live projection");
    }

    [Fact]
    public async Task after_the_streaming_rebuild_a_running_daemon_goes_on_from_its_mark()
    {
        var clinics = await Clinics("North Clinic", "South Clinic");
        await VariedHistory(clinics, "before");
        await CatchUpProjections();

        // The projection's agent running in the host's daemon, as on a node: the rebuild stops it and starts it again.
        var daemon = Host.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();
        await daemon.StartAgentAsync(ClinicReviewStatsRebuild.ShardName, CancellationToken.None);
        try
        {
            daemon.StatusFor(ClinicReviewStatsRebuild.ShardName).ShouldBe(AgentStatus.Running);
            var rebuilt = await RebuildOurs();
            daemon.StatusFor(ClinicReviewStatsRebuild.ShardName).ShouldBe(AgentStatus.Running, "started again after the rebuild");

            // More of the same clinics' history, and a clinic new to the counts, after the mark.
            clinics.AddRange(await Clinics("West Clinic"));
            await VariedHistory(clinics, "after");
            (await LastSequence()).ShouldBeGreaterThan(rebuilt.Mark);
            await ProgressionReaches(await LastSequence());
        }
        finally
        {
            await daemon.StopAgentAsync(ClinicReviewStatsRebuild.ShardName);
        }

        var continued = await AllStats();
        continued.Count.ShouldBe(clinics.Count);
        await RebuildMartens();
        (await AllStats()).ShouldBe(continued, "what the daemon made of the events after the mark, against Marten's rebuild of them all");
    }

    private async Task<List<Guid>> Clinics(params string[] names)
    {
        var clinics = new List<Guid>();
        if (names.Contains("North Clinic")) clinics.Add(ClinicId);
        foreach (var name in names.Where(x => x != "North Clinic"))
        {
            clinics.Add((await Host.RegisterClinic(Staff, ClinicScenarios.AClinic(name))).Id);
        }

        return clinics;
    }

    /// <summary>
    /// Every clinic gets reviews submitted one by one (published or held by screening) and imported (submitted and screened
    /// in one event), verified and not; held ones published (verified with the patient, or not) and rejected; published
    /// ones rejected and restored; one published, rejected and restored again.
    /// </summary>
    private async Task VariedHistory(IReadOnlyList<Guid> clinics, string round)
    {
        var n = 0;
        foreach (var clinic in clinics)
        {
            ReviewSubmission Next(bool verified, int rating)
            {
                n++;
                return AReview($"{round}-{clinic:N}-{n}", $"BK-{round}-{clinic:N}-{n}", rating, verified,
                    text: $"Review {round} {n}: the clinic explained each step of the {n % 3} treatments, and the nurse called after {n} days.",
                    writtenAt: Now.AddDays(-3).AddHours(-7 * n), clinicId: clinic);
            }

            var published = (await Submit(Next(verified: true, rating: 5))).Id;
            var heldThenVerified = (await Submit(Next(verified: false, rating: 2))).Id;
            var heldThenPublished = (await Submit(Next(verified: false, rating: 3))).Id;
            var heldThenRejected = (await Submit(Next(verified: false, rating: 1))).Id;
            await Ok(Moderate(Staff, heldThenVerified, "publish", "verifiedWithPatient"));
            await Ok(Moderate(Staff, heldThenPublished, "publish", "meetsGuidelines"));
            await Ok(Moderate(Staff, heldThenRejected, "reject", "fake", "Twenty reviews from one device."));
            await Ok(Moderate(Staff, published, "reject", "incentivised", "A discount was offered for it."));
            await Ok(Moderate(Approver, published, "restore", "appealUpheld", "The patient sent the invoice."));
            await Ok(Moderate(Staff, heldThenPublished, "reject", "notAboutTheCare", "About the parking."));
            await Ok(Moderate(Approver, heldThenPublished, "restore", "rejectedInError", "It is about the aftercare."));
            await Ok(Moderate(Staff, heldThenVerified, "reject", "duplicateOfAnother", "Sent twice."));

            var imported = new[] { Next(true, 4), Next(true, 5), Next(false, 2), Next(true, 3) };
            HttpResponseMessage response = null!;
            await Host.ExecuteAndWaitAsync(async () => response = await PostImport(imported), timeoutInMilliseconds: 120_000);
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    private static async Task Ok(Task<Alba.IScenarioResult> moderation) => (await moderation).Context.Response.StatusCode.ShouldBe(200);

    private async Task HistoryCovered()
    {
        await using var session = Store.QuerySession();
        var types = (await session.Events.QueryAllRawEvents().Select(x => x.EventTypeName).ToListAsync()).Distinct().ToList();
        EveryReviewEvent.Except(types).ShouldBeEmpty();
    }

    private Task<RebuiltClinicReviewStats> RebuildOurs() => Host.Services.GetRequiredService<ClinicReviewStatsRebuild>().Rebuild(CancellationToken.None);

    private async Task RebuildMartens()
    {
        using var daemon = await Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(ClinicReviewStatsRebuild.ProjectionName, CancellationToken.None);
    }

    private async Task<List<string>> AllStats()
    {
        await using var session = Store.QuerySession();
        return (await session.Query<ClinicReviewStats>().ToListAsync()).OrderBy(x => x.Id).Select(x => JsonSerializer.Serialize(x)).ToList();
    }

    private async Task<long> LastSequence() => await Scalar($"select max(seq_id) from {Store.Options.Events.DatabaseSchemaName}.mt_events");

    private async Task<long> Progression() => await Scalar(
        $"select last_seq_id from {Store.Options.Events.DatabaseSchemaName}.mt_event_progression where name = '{ClinicReviewStatsRebuild.ShardName}'");

    private async Task<long> Scalar(string sql)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        return (long)(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;
    }

    private async Task ProgressionReaches(long sequence)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Progression() < sequence)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the daemon did not reach event {sequence} (at {await Progression()})");
            await Task.Delay(100);
        }
    }
}
