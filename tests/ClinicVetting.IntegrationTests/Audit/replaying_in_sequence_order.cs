using System.Text.Json;
using ClinicVetting.Audit;
using ClinicVetting.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.ReferenceData;
using JasperFx.Events;
using Marten;

namespace ClinicVetting.IntegrationTests.Audit;

/// <summary>
/// The replay reads each event type with a query of its own and merges them by sequence number while it folds: events of
/// different types interleaved in the log (a review published, rejected, restored; a clinic suspended between two reviews,
/// reinstated, suspended again) must reach the fold, and the citations, in the log's order, whatever the fetch size.
/// </summary>
public class replaying_in_sequence_order(AppFixture fixture) : IntegrationContext(fixture)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5_000)]
    public async Task events_of_different_types_reach_the_fold_in_sequence_order(int fetchSize)
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        var other = Guid.NewGuid();
        var now = TestClock.Start;
        // Each step its own transaction, so the sequence follows the steps.
        object[][] steps =
        [
            [Registered(second, "Second Clinic")],
            [Registered(first, "First Clinic")],
            [Submitted(early, first, 5, now.AddDays(-30))],
            [new ClinicSuspended(first, SuspensionCauses.Reverification, "between two reviews", now.AddDays(-29))],
            [new ReviewPublished(early, first, 5, true, ReviewStatus.Pending, ModerationReason.PassedScreening, null, now.AddDays(-29))],
            [Submitted(late, first, 2, now.AddDays(-20))],
            [new ReviewPublished(late, first, 2, true, ReviewStatus.Pending, ModerationReason.PassedScreening, null, now.AddDays(-20))],
            [new ClinicReinstated(first, SuspensionCauses.Reverification, "re-verified", "arthur-approver", now.AddDays(-19))],
            [new ReviewRejected(early, first, 5, true, ReviewStatus.Published, ModerationReason.Fake, "fake", now.AddDays(-18))],
            [Submitted(other, second, 4, now.AddDays(-17))],
            [new ReviewRestored(early, first, 5, true, ModerationReason.AppealUpheld, "appeal", now.AddDays(-16))],
            [new ClinicSuspended(first, SuspensionCauses.Reverification, "again", now.AddDays(-15))],
            [new ReviewRejected(late, first, 2, true, ReviewStatus.Published, ModerationReason.Incentivised, "paid", now.AddDays(-14))],
            [new ReviewPublished(other, second, 4, false, ReviewStatus.Pending, ModerationReason.MeetsGuidelines, null, now.AddDays(-13))],
            [new ClinicSuspended(second, SuspensionCauses.Reverification, "late", now.AddDays(-12))],
            [new ReviewHeldForModeration(other, second, 4, [new ScreeningFinding(ScreeningRule.Burst, "held again")], now.AddDays(-11))],
        ];
        foreach (var (step, i) in steps.Select((x, i) => (x, i)))
        {
            await using var session = Store.LightweightSession();
            // Who and in which conversation, different at every step: a citation must carry its own event's.
            session.LastModifiedBy = $"user-{i}";
            session.CorrelationId = $"conversation-{i}";
            session.CausationId = $"cause-{i}";
            foreach (var e in step)
            {
                _ = e switch
                {
                    ReviewSubmitted submitted => session.Events.StartStream<Review>(submitted.ReviewId, submitted),
                    IReviewEvent review => session.Events.Append(ReviewId(review), e),
                    ClinicRegistered registered => session.Events.StartStream<ClinicProfile>(registered.ClinicId, registered),
                    ClinicSuspended suspended => session.Events.Append(suspended.ClinicId, e),
                    ClinicReinstated reinstated => session.Events.Append(reinstated.ClinicId, e),
                    _ => throw new InvalidOperationException(e.GetType().Name),
                };
            }

            await session.SaveChangesAsync();
        }

        var position = await LastSequence();
        // The folds: as Marten's inline projections folded the same events, one by one, in the order they were appended.
        var reviews = new Dictionary<Guid, Review>();
        var clinics = new Dictionary<Guid, (string Standing, string Profile)>();
        await using (var session = Store.QuerySession())
        {
            foreach (var id in new[] { early, late, other })
            {
                reviews[id] = (await session.LoadAsync<Review>(id))!;
            }

            foreach (var id in new[] { first, second })
            {
                clinics[id] = (Json(await session.LoadAsync<ClinicStanding>(id)), Json(await session.LoadAsync<ClinicProfile>(id)));
            }
        }

        var read = await EventsUpTo(position);
        // Later events must not reach the replay of the earlier position.
        await using (var session = Store.LightweightSession())
        {
            session.Events.Append(early, new ReviewRejected(early, first, 5, true, ReviewStatus.Published, ModerationReason.Fake, "later", now));
            session.Events.Append(first, new ClinicReinstated(first, SuspensionCauses.Reverification, "later", "arthur-approver", now));
            await session.SaveChangesAsync();
        }

        var replayer = new LogReplayer(Store) { FetchSize = fetchSize };
        var log = await replayer.ReplayTo(position, CancellationToken.None);

        // (Appended one by one in quick mode, the inline documents do not know their stream's version: it is checked apart.)
        long VersionOf(Guid stream) => read.Where(x => x.StreamId == stream).Max(x => x.Version);
        foreach (var (id, expected) in reviews)
        {
            var replayed = log.Reviews[id];
            (replayed.ClinicId, replayed.Rating, replayed.WrittenAt, replayed.Status, replayed.Verified, replayed.ScreeningFindings.Count)
                .ShouldBe((expected.ClinicId, expected.Rating, expected.WrittenAt, expected.Status, expected.Verified, expected.ScreeningFindings.Count), $"review {id}");
            replayed.Version.ShouldBe(VersionOf(id));
        }

        foreach (var (id, (standing, profile)) in clinics)
        {
            Json(log.Clinics[id].Standing).ShouldBe(standing);
            Json(log.Clinics[id].Profile).ShouldBe(profile);
            log.Clinics[id].Standing!.Version.ShouldBe(VersionOf(id));
        }

        log.Reviews[early].Status.ShouldBe(ReviewStatus.Published);
        log.Reviews[late].Status.ShouldBe(ReviewStatus.Rejected);
        log.Reviews[other].Status.ShouldBe(ReviewStatus.Held);
        log.Clinics[first].Standing!.Suspensions.Select(x => x.Reason).ShouldBe(["again"]);

        // The citations, and the clinics in the order they first appear in the log (the order the ranking's inputs are built in).
        log.Clinics.Keys.ShouldBe([second, first]);
        log.EventsRead.ShouldBe(read.Count(x => x.Data is IReviewEvent or RegulatorRecorded or RegulatorRemoved || x.StreamId == first || x.StreamId == second));
        // The fold keeps only the reviews' sequence numbers; their citations are read when asked for, here for the first clinic only.
        log.Clinics[first].ReviewsBehind.ShouldBe(read.Where(x => x.Data is IReviewEvent r && r.ClinicId == first).Select(x => x.Sequence));
        await replayer.CiteReviews(log, [first, Guid.NewGuid()], CancellationToken.None);
        log.Clinics[second].EventsBehind.ShouldNotContainKey(nameof(RankingFactor.PatientReviews));
        await replayer.CiteReviews(log, [second, first], CancellationToken.None);
        foreach (var clinic in new[] { first, second })
        {
            var reviewEvents = read.Where(x => x.Data is IReviewEvent r && r.ClinicId == clinic).ToList();
            Sequences(log, clinic, nameof(RankingFactor.PatientReviews)).ShouldBe(reviewEvents.Select(x => x.Sequence), $"the reviews behind {clinic}");
            // Every field of a review's citation is its own event's: stream, version, type, time, who, conversation.
            log.Clinics[clinic].EventsBehind[nameof(RankingFactor.PatientReviews)].ShouldBe(reviewEvents.Select(EventRef.Of), $"the reviews' citations of {clinic}");
            var eligibility = read.Where(x => x.StreamId == clinic && LogReplayer.PartOf(x.Data) == "Eligibility").Select(x => x.Sequence);
            Sequences(log, clinic, "Eligibility").ShouldBe(eligibility, $"the eligibility behind {clinic}");
            // The parts in the order they were first cited, the reviews' among them.
            var parts = read.Where(x => x.StreamId == clinic || x.Data is IReviewEvent r && r.ClinicId == clinic)
                .Select(x => x.Data is IReviewEvent ? nameof(RankingFactor.PatientReviews) : LogReplayer.PartOf(x.Data)).OfType<string>().Distinct();
            log.Clinics[clinic].EventsBehind.Keys.ShouldBe(parts, $"the parts of {clinic}");
        }

        Sequences(log, first, nameof(RankingFactor.PatientReviews)).Count.ShouldBe(7);
        Sequences(log, first, "Eligibility").Count.ShouldBe(3);
    }

    private static List<long> Sequences(ReplayedLog log, Guid clinic, string part) =>
        log.Clinics[clinic].EventsBehind.GetValueOrDefault(part)?.Select(x => x.Sequence).ToList() ?? [];

    /// <summary>The document without its version.</summary>
    private static string Json(object? value)
    {
        var node = JsonSerializer.SerializeToNode(value)!.AsObject();
        node.Remove("Version");
        return node.ToJsonString();
    }

    private async Task<IReadOnlyList<IEvent>> EventsUpTo(long position)
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().Where(x => x.Sequence <= position).OrderBy(x => x.Sequence).ToListAsync();
    }

    private async Task<long> LastSequence()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().MaxAsync(x => x.Sequence);
    }

    private static Guid ReviewId(IReviewEvent e) => e switch
    {
        ReviewSubmitted x => x.ReviewId,
        ReviewPublished x => x.ReviewId,
        ReviewRejected x => x.ReviewId,
        ReviewRestored x => x.ReviewId,
        ReviewHeldForModeration x => x.ReviewId,
        _ => throw new InvalidOperationException(e.GetType().Name),
    };

    private static ClinicRegistered Registered(Guid id, string name) =>
        new(id, new ClinicDetails(name, "Cancún", "MX", YearsOfExperience: 12), TestClock.Start.AddYears(-1));

    private static ReviewSubmitted Submitted(Guid id, Guid clinic, int rating, DateTimeOffset writtenAt) =>
        new(id, clinic, $"ext-{id:N}", $"BK-{id:N}", rating, $"A review of {rating} stars.", "Knee program", new DateOnly(2026, 1, 5), writtenAt, true,
            "P. D.", "mail.example", $"hash-{id:N}", writtenAt.AddMinutes(5));
}
