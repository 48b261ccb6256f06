using ClinicVetting.Audit;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Audit;

/// <summary>
/// The replay reads only the fields of a review event that the ranking's fold needs: over random review histories (held,
/// published, rejected, restored, verified or not, with and without findings) it must fold to what the whole events fold to.
/// </summary>
public class replaying_reviews_from_their_fields(AppFixture fixture) : IntegrationContext(fixture)
{
    private LogReplayer Replayer => Host.Services.GetRequiredService<LogReplayer>();

    [Theory]
    [InlineData(20261201)]
    [InlineData(7)]
    [InlineData(424242)]
    public async Task random_review_histories_fold_as_their_whole_events_do(int seed)
    {
        var random = new Random(seed);
        var clinics = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        var histories = Enumerable.Range(0, 60).Select(_ => RandomHistory(random, clinics[random.Next(clinics.Length)])).ToList();
        await using (var session = Store.LightweightSession())
        {
            foreach (var (id, events) in histories)
            {
                session.Events.StartStream<Review>(id, events);
            }

            await session.SaveChangesAsync();
        }

        var position = await LastSequence();
        var whole = await WholeFolds(histories.Select(x => x.Id));
        // Later events must not reach the replay of the earlier position.
        await using (var session = Store.LightweightSession())
        {
            foreach (var (id, events) in histories.Take(10))
            {
                session.Events.Append(id, new ReviewRejected(id, ((IReviewEvent)events[0]).ClinicId, 1, false, ReviewStatus.Published,
                    ModerationReason.Fake, "later", TestClock.Start));
            }

            await session.SaveChangesAsync();
        }

        var log = await Replayer.ReplayTo(position, CancellationToken.None);

        log.Reviews.Keys.Order().ShouldBe(whole.Keys.Order());
        foreach (var (id, expected) in whole)
        {
            var replayed = log.Reviews[id];
            (replayed.ClinicId, replayed.Rating, replayed.WrittenAt, replayed.Status, replayed.Verified, replayed.Version)
                .ShouldBe((expected.ClinicId, expected.Rating, expected.WrittenAt, expected.Status, expected.Verified, expected.Version), $"review {id}");
            replayed.ScreeningFindings.ShouldBe(expected.ScreeningFindings, $"review {id}");
        }

        foreach (var clinic in clinics)
        {
            var facts = ReviewFacts.Of(log.Reviews.Values.Where(x => x.ClinicId == clinic));
            facts.ShouldBe(ReviewFacts.Of(whole.Values.Where(x => x.ClinicId == clinic)));
        }

        histories.SelectMany(x => x.Events).OfType<ReviewSubmittedAndScreened>().ShouldContain(x => !x.Published);
        whole.Values.ShouldContain(x => x.Status == ReviewStatus.Published && x.Verified);
        whole.Values.ShouldContain(x => x.Status == ReviewStatus.Published && !x.Verified);
    }

    [Fact]
    public async Task a_missing_publication_or_an_unverified_flag_behind_the_applications_back_changes_the_replay()
    {
        var clinic = Guid.NewGuid();
        var ids = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();
        await using (var session = Store.LightweightSession())
        {
            foreach (var (id, i) in ids.Select((x, i) => (x, i)))
            {
                session.Events.StartStream<Review>(id, Submitted(id, clinic, 5, TestClock.Start.AddDays(-i), bookingVerified: true),
                    new ReviewPublished(id, clinic, 5, true, ReviewStatus.Pending, ModerationReason.PassedScreening, null, TestClock.Start));
            }

            await session.SaveChangesAsync();
        }

        var position = await LastSequence();
        ReviewFacts Facts(ReplayedLog log) => ReviewFacts.Of(log.Reviews.Values.Where(x => x.ClinicId == clinic));
        (await Replay(position)).Stars.Total.ShouldBe(6);

        await Tamper("delete from clinicvetting.mt_events where stream_id = @first and type = 'review_published'", ids[0]);
        var missing = Facts(await Replayer.ReplayTo(position, CancellationToken.None));
        missing.Stars.Total.ShouldBe(5);

        await Tamper("""
            update clinicvetting.mt_events set data = jsonb_set(data, '{verified}', 'false')
            where stream_id = @first and type = 'review_published'
            """, ids[1]);
        var unverified = Facts(await Replayer.ReplayTo(position, CancellationToken.None));
        unverified.Stars.Total.ShouldBe(4);

        await Tamper("update clinicvetting.mt_events set data = jsonb_set(data, '{writtenAt}', '\"2031-01-01T00:00:00+00:00\"') where stream_id = @first and type = 'review_submitted'",
            ids[2]);
        Facts(await Replayer.ReplayTo(position, CancellationToken.None)).LatestAt.ShouldBe(DateTimeOffset.Parse("2031-01-01T00:00:00+00:00"));

        async Task<ReviewFacts> Replay(long at) => Facts(await Replayer.ReplayTo(at, CancellationToken.None));
    }

    private async Task Tamper(string sql, Guid stream)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("first", stream);
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    private async Task<long> LastSequence()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().MaxAsync(x => x.Sequence);
    }

    /// <summary>The reviews as Marten's own fold of their whole events (the inline documents) has them.</summary>
    private async Task<Dictionary<Guid, Review>> WholeFolds(IEnumerable<Guid> ids)
    {
        await using var session = Store.QuerySession();
        var reviews = await session.LoadManyAsync<Review>(ids);
        return reviews.ToDictionary(x => x.Id);
    }

    private static ReviewSubmitted Submitted(Guid id, Guid clinic, int rating, DateTimeOffset writtenAt, bool bookingVerified) =>
        new(id, clinic, $"ext-{id:N}", $"BK-{id:N}", rating, $"A whole review text of {rating} stars that the replay no longer reads.", "Knee program",
            new DateOnly(2026, 1, 5), writtenAt, bookingVerified, "P. D.", "mail.example", $"hash-{id:N}", writtenAt.AddMinutes(5));

    private static (Guid Id, object[] Events) RandomHistory(Random random, Guid clinic)
    {
        var id = Guid.NewGuid();
        var rating = 1 + random.Next(5);
        // Ticks below a microsecond too: PostgreSQL's timestamps would lose them, the replay must not.
        var writtenAt = TestClock.Start.AddDays(-random.Next(400)).AddTicks(random.Next(10_000_000));
        var submitted = Submitted(id, clinic, rating, writtenAt, bookingVerified: random.Next(3) > 0);
        var events = new List<object>();
        if (random.Next(2) == 0)
        {
            events.Add(submitted);
        }
        else
        {
            var findings = Enumerable.Range(0, random.Next(3))
                .Select(i => new ScreeningFinding(i == 0 ? ScreeningRule.DuplicateText : ScreeningRule.Burst, $"finding {i} of {id:N}")).ToList();
            events.Add(ReviewSubmittedAndScreened.Of(submitted, findings));
        }

        for (var step = random.Next(4); step > 0; step--)
        {
            var verified = random.Next(2) == 0;
            events.Add(random.Next(4) switch
            {
                0 => new ReviewHeldForModeration(id, clinic, rating, [new ScreeningFinding(ScreeningRule.Burst, "held")], TestClock.Start),
                1 => new ReviewPublished(id, clinic, rating, verified, ReviewStatus.Held, ModerationReason.MeetsGuidelines, "ok", TestClock.Start),
                2 => new ReviewRejected(id, clinic, rating, verified, ReviewStatus.Published, ModerationReason.Fake, "fake", TestClock.Start),
                _ => new ReviewRestored(id, clinic, rating, verified, ModerationReason.AppealUpheld, "appeal", TestClock.Start),
            });
        }

        return (id, events.ToArray());
    }
}
