using System.Text.Json;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Marten;
using JasperFx.Events.Daemon;
using Marten.Events;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Reviews;

/// <summary>
/// The asynchronous review projections miss no event appended by imports running side by side. Concurrent transactions
/// take sequence numbers before they commit, so a daemon that moved its high-water mark past a slow transaction's gap
/// would skip its events for good (Marten discussion 4953); the live documents would then differ from a rebuild.
/// </summary>
public class projecting_concurrent_imports(AppFixture fixture) : ReviewsContext(fixture)
{
    private const int Imports = 4;
    private const int ReviewsPerImport = 2 * ImportReviewsEndpoint.BatchSize + 150;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task imports_running_at_once_while_the_daemon_runs_leave_the_same_counts_as_a_rebuild()
    {
        var clinics = new List<Guid> { ClinicId };
        foreach (var name in new[] { "Second Clinic", "Third Clinic", "Fourth Clinic", "Fifth Clinic", "Sixth Clinic" })
        {
            clinics.Add((await Host.RegisterClinic(Staff, ClinicScenarios.AClinic(name))).Id);
        }

        // The shared test host keeps its daemon paused between tests (they catch up on demand): this one runs a daemon
        // of its own, as the hosted one runs, while the imports append.
        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await daemon.StartAllAsync();
            var summaries = await Task.WhenAll(Enumerable.Range(0, Imports).Select(import => Import(import, clinics)));
            summaries.ShouldAllBe(x => x.Accepted == ReviewsPerImport);
            await EveryReviewScreened(Imports * ReviewsPerImport);
            await DaemonCaughtUp();
            await daemon.StopAllAsync();
        }

        await CountsMatchTheReviews(clinics);
        var differences = new List<string>();
        await CompareWithARebuild<ClinicReviewStats>(differences);
        await CompareWithARebuild<ReviewFairnessDay>(differences);
        await CompareWithARebuild<ReviewFairnessOverallDay>(differences);
        differences.ShouldBeEmpty();
    }

    /// <summary>One import's reviews over six clinics, written over months, some unverified (held); taken today, so every step lands on a few shared counting documents.</summary>
    private async Task<ImportSummary> Import(int import, IReadOnlyList<Guid> clinics)
    {
        var lines = Enumerable.Range(0, ReviewsPerImport).Select(i =>
        {
            var n = import * ReviewsPerImport + i;
            var writtenAt = Now.AddHours(-5 * (n + 1));
            var review = AReview($"race-{n}", $"BK-RACE-{n}", rating: n % 5 + 1, verified: n % 97 != 0,
                    text: $"Imported review {n}: the clinic was clean, the staff kind, and the follow-up thorough.", writtenAt: writtenAt,
                    clinicId: clinics[n % clinics.Count])
                with { TreatmentDate = DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-10) };
            return JsonSerializer.Serialize(review, Json) + "\n";
        });

        using var client = Host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Booking);
        using var content = new StringContent(string.Concat(lines));
        content.Headers.ContentType = new("application/x-ndjson");
        var response = await client.PostAsync("/api/reviews/import", content);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonSerializer.Deserialize<ImportSummary>(await response.Content.ReadAsStringAsync(), Json)!;
    }

    private async Task EveryReviewScreened(int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            await using var session = Store.QuerySession();
            var (all, pending) = (await session.Query<Review>().CountAsync(), await session.Query<Review>().CountAsync(x => x.Status == ReviewStatus.Pending));
            if (all == expected && pending == 0) return;
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"{all} reviews of {expected}, {pending} still pending screening");
            await Task.Delay(200);
        }
    }

    /// <summary>Every projection's own progress reached the last event: what it has read is what its high-water mark let it read.</summary>
    private async Task DaemonCaughtUp()
    {
        var schema = Store.Options.Events.DatabaseSchemaName;
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            await using var behind = new NpgsqlCommand($"""
                select count(*) from (values ('ClinicReviewStats'), ('ReviewFairnessDay'), ('ReviewFairnessOverallDay')) shard(name)
                  left join {schema}.mt_event_progression p on p.name like shard.name || ':%'
                 where coalesce(p.last_seq_id, 0) < (select max(seq_id) from {schema}.mt_events)
                """, connection);
            if ((long)(await behind.ExecuteScalarAsync())! == 0) return;
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the daemon did not reach the last event");
            await Task.Delay(200);
        }
    }

    /// <summary>Against the inline review documents (written in the appending transaction, so never behind): a check that needs no rebuild.</summary>
    private async Task CountsMatchTheReviews(IReadOnlyList<Guid> clinics)
    {
        await using var session = Store.QuerySession();
        var reviews = await session.Query<Review>().ToListAsync();
        foreach (var clinic in clinics)
        {
            var stats = (await session.LoadAsync<ClinicReviewStats>(clinic)).ShouldNotBeNull();
            var own = reviews.Where(x => x.ClinicId == clinic).ToList();
            (stats.Pending, stats.Held, stats.Published).ShouldBe(
                (0, own.Count(x => x.Status == ReviewStatus.Held), own.Count(x => x.Status == ReviewStatus.Published)), $"clinic {clinic}");
        }

        var days = await session.Query<ReviewFairnessOverallDay>().ToListAsync();
        days.Sum(x => x.Ratings.Low.Submitted + x.Ratings.Neutral.Submitted + x.Ratings.High.Submitted).ShouldBe(reviews.Count);
    }

    private async Task CompareWithARebuild<T>(List<string> differences) where T : notnull
    {
        var live = await All<T>();
        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync(typeof(T).Name, CancellationToken.None);
        }

        var rebuilt = await All<T>();
        live.ShouldNotBeEmpty();
        if (!live.SequenceEqual(rebuilt))
        {
            differences.Add($"{typeof(T).Name}: {live.Except(rebuilt).Count()} live and {rebuilt.Except(live).Count()} rebuilt documents without their equal\n  live:    {string.Join("\n           ", live.Except(rebuilt).Take(5))}\n  rebuilt: {string.Join("\n           ", rebuilt.Except(live).Take(5))}");
        }
    }

    private async Task<List<string>> All<T>() where T : notnull
    {
        await using var session = Store.QuerySession();
        return (await session.Query<T>().ToListAsync()).Select(x => JsonSerializer.Serialize(x)).Order(StringComparer.Ordinal).ToList();
    }
}
