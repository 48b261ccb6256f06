using ClinicVetting.Clinics;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Marten;

namespace ClinicVetting.IntegrationTests.Reviews;

public class the_review_fairness_report(AppFixture fixture) : ReviewsContext(fixture)
{
    private async Task<FairnessReport> Report(string query = "")
    {
        // The counts are an asynchronous projection: let it apply what the test appended.
        await CatchUpProjections();
        var result = await Call(Auditor, s => s.Get.Url("/api/reviews/fairness-report" + query));
        return result.ReadAsJson<FairnessReport>().ShouldNotBeNull();
    }

    [Fact]
    public async Task counts_what_happened_to_low_and_high_ratings_per_clinic_and_overall()
    {
        var other = (await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Other Clinic"))).Id;
        var lowHeld = (await Submit(AReview("r1", "B1", rating: 1, verified: false))).Id;
        var lowPublished = (await Submit(AReview("r2", "B2", rating: 2))).Id;
        var highHeld = (await Submit(AReview("r3", "B3", rating: 5, verified: false))).Id;
        await Submit(AReview("r4", "B4", rating: 4));
        await Submit(AReview("r5", "B5", rating: 3, clinicId: other));

        await Moderate(Staff, lowHeld, "reject", "fake");
        await Moderate(Staff, lowHeld, "restore", "rejectedInError");
        await Moderate(Staff, lowPublished, "reject", "containsPersonalData");
        await Moderate(Staff, highHeld, "reject", "incentivised");

        var report = await Report();

        var low = report.Overall.Low;
        (low.Submitted, low.Held, low.Published, low.Rejected, low.Restored).ShouldBe((2, 1, 1, 2, 1));
        var high = report.Overall.High;
        (high.Submitted, high.Held, high.Published, high.Rejected, high.Restored).ShouldBe((2, 1, 1, 1, 0));
        report.Overall.Neutral.Published.ShouldBe(1);

        report.Clinics.Select(x => x.ClinicName).ShouldBe(["Clínica Esperanza", "Other Clinic"]);
        report.Clinics[0].Ratings.Low.Rejected.ShouldBe(2);
        report.Clinics[1].Ratings.Neutral.Submitted.ShouldBe(1);
        report.Clinics[1].Ratings.Low.Submitted.ShouldBe(0);
    }

    /// <summary>How often PostgreSQL vacuumed a table other than by autovacuum (its statistics, flushed within a second).</summary>
    private async Task<long> Vacuums(string table)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select coalesce(sum(vacuum_count), 0)::bigint from pg_stat_user_tables where schemaname = 'clinicvetting' and relname = @table", connection);
        command.Parameters.AddWithValue("table", table);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_rebuild_of_the_counts_vacuums_them_and_gives_the_same_report()
    {
        var held = (await Submit(AReview("v1", "BV1", rating: 1, verified: false))).Id;
        await Submit(AReview("v2", "BV2", rating: 5));
        await Moderate(Staff, held, "reject", "fake");
        var report = await Report();
        string[] tables = ["mt_doc_reviewfairnessday", "mt_doc_reviewfairnessoverallday"];
        var before = await Task.WhenAll(tables.Select(Vacuums));

        // As `projections rebuild -p ReviewFairnessDay` (and the overall one) runs it.
        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            foreach (var projection in new[] { nameof(ReviewFairnessDay), nameof(ReviewFairnessOverallDay) })
            {
                await ClinicVetting.Infrastructure.Hosting.ProjectionRebuilds.Rebuild(Host.Services, daemon, projection, TimeSpan.FromMinutes(1),
                    CancellationToken.None);
            }
        }

        // Vacuumed and analyzed at once, not when autovacuum comes round: the report's pages read the day index alone.
        await ClinicVetting.IntegrationTests.Notifications.NotificationScenarios.Eventually(Host, async () => await Task.WhenAll(tables.Select(Vacuums)),
            after => after[0] > before[0] && after[1] > before[1], "both day tables vacuumed", seconds: 10);
        System.Text.Json.JsonSerializer.Serialize(await Report()).ShouldBe(System.Text.Json.JsonSerializer.Serialize(report));
    }

    [Fact]
    public async Task only_steps_taken_within_the_period_count()
    {
        var reviewId = (await Submit(AReview(rating: 1, verified: false))).Id;
        var submittedOn = DateOnly.FromDateTime(Now.UtcDateTime);
        Fixture.Clock.Advance(TimeSpan.FromDays(3));
        await Moderate(Staff, reviewId, "reject", "abusive");

        var firstDay = await Report($"?from={submittedOn:yyyy-MM-dd}&to={submittedOn:yyyy-MM-dd}");
        (firstDay.Overall.Low.Submitted, firstDay.Overall.Low.Held, firstDay.Overall.Low.Rejected).ShouldBe((1, 1, 0));

        var later = await Report($"?from={submittedOn.AddDays(1):yyyy-MM-dd}");
        (later.Overall.Low.Submitted, later.Overall.Low.Rejected).ShouldBe((0, 1));
        later.To.ShouldBe(DateOnly.FromDateTime(Now.UtcDateTime));
    }

    [Theory]
    [InlineData("?from=2026-11-02&to=2026-11-01")]
    [InlineData("?from=yesterday")]
    public async Task a_nonsense_period_is_a_400(string query) =>
        (await Call(Staff, s =>
        {
            s.Get.Url("/api/reviews/fairness-report" + query);
            s.StatusCodeShouldBe(400);
        })).ShouldBeProblem(400);

    [Fact]
    public async Task counts_kept_by_clinic_and_day_give_the_report_the_events_give_over_a_rich_history()
    {
        var clinics = new List<Guid> { ClinicId };
        foreach (var (name, city) in new[] { ("Zeta Clinic", "Cancún"), ("Alpha Clinic", "Cancún"), ("Alpha Clinic", "Tijuana"), ("Mu Clinic", "Cancún") })
        {
            clinics.Add((await Host.RegisterClinic(Staff, ClinicScenarios.AClinic(name, city))).Id);
        }

        clinics.Add(Guid.NewGuid()); // reviews of a clinic whose profile is gone: listed without a name
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        await ARichHistory(clinics, new DateTimeOffset(today.AddDays(-50).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), days: 60, reviews: 400);

        foreach (var (from, to) in new (DateOnly?, DateOnly?)[]
                 {
                     (null, null), (today.AddDays(-45), today.AddDays(-20)), (today.AddDays(-10), today.AddDays(-10)), (today.AddDays(-49), today.AddDays(9)),
                 })
        {
            var query = $"?pageSize=2{(from is { } f ? $"&from={f:yyyy-MM-dd}" : "")}{(to is { } t ? $"&to={t:yyyy-MM-dd}" : "")}";
            var expected = await FromTheEvents(from ?? today.AddDays(-29), to ?? today);
            var first = await Report(query);
            var pages = new List<ClinicFairness>(first.Clinics);
            for (var page = 2; page <= (first.TotalClinics + 1) / 2; page++)
            {
                pages.AddRange((await Report($"{query}&page={page}")).Clinics);
            }

            first.TotalClinics.ShouldBe(expected.Clinics.Count);
            first.Overall.ShouldBeEquivalentTo(expected.Overall);
            pages.Select(x => (x.ClinicId, x.ClinicName)).ShouldBe(expected.Clinics.Select(x => (x.ClinicId, x.ClinicName)));
            for (var i = 0; i < pages.Count; i++)
            {
                pages[i].Ratings.ShouldBeEquivalentTo(expected.Clinics[i].Ratings, $"{pages[i].ClinicName} from {query}");
            }
        }
    }

    [Fact]
    public async Task the_clinics_are_paged_by_name()
    {
        var other = (await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Another Clinic"))).Id;
        await Submit(AReview("r1", "B1", rating: 4));
        await Submit(AReview("r2", "B2", rating: 2, clinicId: other));

        var first = await Report("?pageSize=1");
        var second = await Report("?pageSize=1&page=2");

        (first.TotalClinics, first.HasMore, first.Clinics.Single().ClinicName).ShouldBe((2L, true, "Another Clinic"));
        (second.HasMore, second.Clinics.Single().ClinicName).ShouldBe((false, "Clínica Esperanza"));
        first.Overall.High.Submitted.ShouldBe(1);
        first.Overall.Low.Submitted.ShouldBe(1);
    }

    [Fact]
    public async Task the_clinics_are_paged_in_the_order_they_were_always_sorted_in_here()
    {
        // Names whose order differs by byte (the database's C.UTF-8) and by culture (case, accents); names ICU finds equal
        // though their bytes differ (a soft hyphen; é composed and decomposed), with ids ordered against their bytes, so a
        // deterministic collation would order them by bytes where .NET orders them by id; equal names; clinics without a
        // profile (no name: first, by id), with ids that differ in the high bit of each part of the Guid.
        var named = new (string Id, string? Name)[]
        {
            ("f0000000-0000-0000-0000-000000000001", "beta Clinic"),
            ("e0000000-0000-0000-0000-000000000001", "Beta Clinic"),
            ("d0000000-0000-0000-0000-000000000001", "alpha Clinic"),
            ("c0000000-0000-0000-0000-000000000001", "Alpha Clinic"),
            ("b0000000-0000-0000-0000-000000000001", "Zeta Clinic"),
            ("a0000000-0000-0000-0000-000000000001", "Émile Clinic"),
            ("90000000-0000-0000-0000-000000000001", "Emile Clinic"),
            ("80000000-0000-0000-0000-000000000001", "Emile Clinic"),
            ("70000000-0000-0000-0000-000000000002", "Mu Clinic"),
            ("70000000-0000-0000-0000-000000000001", "Mu\u00AD Clinic"),
            ("60000000-0000-0000-0000-000000000001", "Ren\u00E9e Clinic"),
            ("60000000-0000-0000-0000-000000000002", "Rene\u0301e Clinic"),
            ("50000000-0000-0000-0000-000000000001", "clinic 10"),
            ("40000000-0000-0000-0000-000000000001", "Clinic 9"),
            ("30000000-0000-0000-0000-000000000001", "Ñandú Clinic"),
            ("20000000-0000-0000-0000-000000000001", "Nandu Clinic"),
            ("00000000-8000-0000-0000-000000000001", null),
            ("00000000-7fff-0000-0000-000000000001", null),
            ("00000000-0000-8000-0000-000000000001", null),
            ("00000000-0000-0000-8000-000000000001", null),
            ("00000000-0000-0000-0000-800000000001", null),
            ("80000000-0000-0000-0000-000000000000", null),
            ("7fffffff-0000-0000-0000-000000000000", null),
        };
        var clinics = named.Select(x => (Id: Guid.Parse(x.Id), x.Name)).ToList();
        await using (var session = Store.LightweightSession())
        {
            foreach (var (id, name) in clinics.Where(x => x.Name is not null))
            {
                session.Store(new ClinicProfile { Id = id, Name = name!, IdentityKey = $"order-{id}", City = "Cancún", Country = "MX", RegisteredAt = Now, UpdatedAt = Now });
            }

            foreach (var (id, _) in clinics)
            {
                var review = Guid.NewGuid();
                session.Events.StartStream<Review>(review, new ReviewSubmitted(review, id, $"order-{id}", $"ORDER-{id}", 4, "A review of the care.", "Knee program",
                    DateOnly.FromDateTime(Now.UtcDateTime), Now, true, "R. H.", null, $"order-hash-{id}", Now));
            }

            await session.SaveChangesAsync();
        }

        // The order the report always had: sorted here, by the name with the current culture's comparer, then by id.
        var expected = clinics.OrderBy(x => x.Name ?? "").ThenBy(x => x.Id).Select(x => (x.Id, x.Name)).ToList();
        // The names above do tell the orders apart: not byte order, not ICU's order with equal names broken by bytes.
        expected.ShouldNotBe(clinics.OrderBy(x => x.Name ?? "", StringComparer.Ordinal).ThenBy(x => x.Id).Select(x => (x.Id, x.Name)).ToList());
        expected.ShouldNotBe(clinics.OrderBy(x => x.Name ?? "").ThenBy(x => x.Name ?? "", StringComparer.Ordinal).ThenBy(x => x.Id)
            .Select(x => (x.Id, x.Name)).ToList());

        var pages = new List<(Guid, string?)>();
        for (var page = 1; page <= 8; page++)
        {
            var report = await Report($"?pageSize=3&page={page}");
            (report.Page, report.PageSize, report.TotalClinics, report.HasMore).ShouldBe((page, 3, 23L, page < 8));
            report.Clinics.Count.ShouldBe(page < 8 ? 3 : 2);
            pages.AddRange(report.Clinics.Select(x => (x.ClinicId, x.ClinicName)));
        }

        pages.ShouldBe(expected);
        var pastTheEnd = await Report("?pageSize=3&page=9");
        (pastTheEnd.Clinics.Count, pastTheEnd.TotalClinics, pastTheEnd.HasMore).ShouldBe((0, 23L, false));
        var farPastTheEnd = await Report($"?pageSize={Paging.MaxSize}&page={Paging.MaxPage}");
        (farPastTheEnd.Clinics.Count, farPastTheEnd.TotalClinics, farPastTheEnd.HasMore).ShouldBe((0, 23L, false));
        var onePage = await Report($"?pageSize={Paging.MaxSize}");
        onePage.Clinics.Select(x => (x.ClinicId, x.ClinicName)).ShouldBe(expected);
        onePage.Clinics.Sum(x => x.Ratings.High.Submitted).ShouldBe(23);

        // The auditors' export: the whole report, unpaged, in the same order.
        await using var query = Store.QuerySession();
        var whole = await FairnessReports.Read(query, null, null, Fixture.Clock, CancellationToken.None);
        (whole.Clinics.Count, whole.TotalClinics, whole.HasMore).ShouldBe((23, 23L, false));
        whole.Clinics.Select(x => (x.ClinicId, x.ClinicName)).ShouldBe(expected);
    }

    [Fact]
    public async Task a_period_without_clinics_has_none_on_any_page()
    {
        var empty = await Report("?pageSize=3");
        (empty.Clinics.Count, empty.TotalClinics, empty.HasMore).ShouldBe((0, 0L, false));
        var later = await Report("?pageSize=3&page=2");
        (later.Clinics.Count, later.TotalClinics, later.HasMore).ShouldBe((0, 0L, false));
    }

    /// <summary>
    /// Reviews of the clinics written over the days, each submitted, then held or published, some rejected and restored
    /// hours or days later (so steps fall on other days than the submission, and some on the very edge of a day).
    /// </summary>
    private async Task ARichHistory(IReadOnlyList<Guid> clinics, DateTimeOffset start, int days, int reviews)
    {
        var random = new Random(17);
        await using var session = Store.LightweightSession();
        for (var i = 0; i < reviews; i++)
        {
            var id = Guid.NewGuid();
            var clinic = clinics[random.Next(clinics.Count)];
            var rating = 1 + random.Next(5);
            var verified = random.Next(4) > 0;
            var at = i % 25 == 0
                ? start.AddDays(random.Next(days)).AddTicks(-1)
                : start.AddDays(random.Next(days)).AddMinutes(random.Next(24 * 60));
            var events = new List<object>
            {
                new ReviewSubmitted(id, clinic, $"rich-{i}", $"RICH-{i}", rating, "A review of the care.", "Knee program", DateOnly.FromDateTime(at.UtcDateTime),
                    at, verified, "R. H.", null, $"rich-hash-{i}", at),
            };
            var status = ReviewStatus.Pending;
            at = at.AddHours(random.Next(40));
            if (random.Next(3) == 0)
            {
                events.Add(new ReviewHeldForModeration(id, clinic, rating, [], at));
                status = ReviewStatus.Held;
            }
            else
            {
                events.Add(new ReviewPublished(id, clinic, rating, verified, status, ModerationReason.PassedScreening, null, at));
                status = ReviewStatus.Published;
            }

            if (random.Next(3) == 0)
            {
                at = at.AddHours(random.Next(72));
                events.Add(new ReviewRejected(id, clinic, rating, verified, status, ModerationReason.Fake, "Checked.", at));
                if (random.Next(2) == 0)
                {
                    at = at.AddHours(random.Next(72));
                    events.Add(new ReviewRestored(id, clinic, rating, verified, ModerationReason.RejectedInError, "Checked again.", at));
                }
            }

            session.Events.StartStream<Review>(id, events.ToArray());
        }

        await session.SaveChangesAsync();
    }

    /// <summary>The report as it was computed before the counts were kept: every review event of the period read and tallied.</summary>
    private async Task<(RatingGroups Overall, List<ClinicFairness> Clinics)> FromTheEvents(DateOnly firstDay, DateOnly lastDay)
    {
        var start = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var session = Store.QuerySession();
        var overall = new RatingGroups();
        var byClinic = new Dictionary<Guid, RatingGroups>();
        async Task Tally(IQueryable<RatedStep> steps, Action<StepCounts> count)
        {
            foreach (var (clinic, rating) in await steps.ToListAsync())
            {
                if (!byClinic.TryGetValue(clinic, out var groups)) byClinic[clinic] = groups = new RatingGroups();
                count(groups.For(rating));
                count(overall.For(rating));
            }
        }

        var events = session.Events;
        await Tally(events.QueryRawEventDataOnly<ReviewSubmitted>().Where(x => x.SubmittedAt >= start && x.SubmittedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Submitted++);
        // An imported review: both steps in one event.
        foreach (var e in await events.QueryRawEventDataOnly<ReviewSubmittedAndScreened>().Where(x => x.SubmittedAt >= start && x.SubmittedAt < end)
                     .ToListAsync())
        {
            if (!byClinic.TryGetValue(e.ClinicId, out var groups)) byClinic[e.ClinicId] = groups = new RatingGroups();
            e.CountSteps(groups.For(e.Rating));
            e.CountSteps(overall.For(e.Rating));
        }

        await Tally(events.QueryRawEventDataOnly<ReviewHeldForModeration>().Where(x => x.HeldAt >= start && x.HeldAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Held++);
        await Tally(events.QueryRawEventDataOnly<ReviewPublished>().Where(x => x.PublishedAt >= start && x.PublishedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Published++);
        await Tally(events.QueryRawEventDataOnly<ReviewRejected>().Where(x => x.RejectedAt >= start && x.RejectedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Rejected++);
        await Tally(events.QueryRawEventDataOnly<ReviewRestored>().Where(x => x.RestoredAt >= start && x.RestoredAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Restored++);

        var names = (await session.LoadManyAsync<ClinicProfile>(byClinic.Keys)).ToDictionary(x => x.Id, x => x.Name);
        var clinics = byClinic
            .Select(x => new ClinicFairness(x.Key, names.GetValueOrDefault(x.Key), x.Value))
            .OrderBy(x => x.ClinicName ?? "").ThenBy(x => x.ClinicId)
            .ToList();
        return (overall, clinics);
    }

    /// <summary>The clinic and rating of one step, as the old report read them from an event.</summary>
    public sealed record RatedStep(Guid ClinicId, int Rating);
}
