using ClinicVetting.Vetting;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Demo;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using ClinicVetting.Ranking;
using ClinicVetting.Ranking.PublicFeed;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Demo;

public class loading_the_demo_data(AppFixture fixture) : IntegrationContext(fixture)
{
    /// <summary>What a start with LoadDemoData does, waiting for the messages it sets off.</summary>
    private Task Load() => Load(Host);

    private Task Load(IAlbaHost host) => host.ExecuteAndWaitAsync(() => new DemoDataLoader(host.Services, new AppOptions { LoadDemoData = true },
        Fixture.Clock, NullLogger<DemoDataLoader>.Instance).StartAsync(CancellationToken.None), timeoutInMilliseconds: 60_000);

    /// <summary>Every event by type and every document kind the demo writes, counted: what "adds nothing" compares.</summary>
    private static async Task<IReadOnlyDictionary<string, long>> Contents(IAlbaHost host)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var contents = (await session.Events.QueryAllRawEvents().Select(x => x.EventTypeName).ToListAsync())
            .GroupBy(x => x).ToDictionary(x => $"event {x.Key}", x => (long)x.Count());
        contents["document ClinicProfile"] = await session.Query<ClinicProfile>().CountAsync();
        contents["document VettingCase"] = await session.Query<VettingCase>().CountAsync();
        contents["document Review"] = await session.Query<Review>().CountAsync();
        contents["document RankingEdition"] = await session.Query<RankingEdition>().CountAsync();
        contents["document DemoDataMarker"] = await session.Query<DemoDataMarker>().CountAsync();
        return contents;
    }

    private static async Task<IReadOnlyList<(string, DateTimeOffset)>> Markers(IAlbaHost host)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Query<DemoDataMarker>().OrderBy(x => x.Id).ToListAsync()).Select(x => (x.Id, x.LoadedAt)).ToList();
    }

    /// <summary>Until the event count holds still for a second: whatever a start set off has landed.</summary>
    private static async Task Settled(IAlbaHost host)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        for (int still = 0, last = -1, round = 0; still < 4 && round < 60; round++)
        {
            await Task.Delay(250);
            await using var session = store.QuerySession();
            var count = await session.Events.QueryAllRawEvents().CountAsync();
            still = count == last ? still + 1 : 0;
            last = count;
        }
    }

    [Fact]
    public async Task registers_the_seed_articles_ten_clinics_through_the_registry_commands()
    {
        await Load();

        await using var session = Store.QuerySession();
        var clinics = await session.Query<ClinicProfile>().OrderBy(x => x.Name).ToListAsync();
        clinics.Count.ShouldBe(10);
        clinics.Select(x => x.Name).ShouldContain("Memorial Şişli Hospital");
        clinics.Single(x => x.Name == "Reju Medical Clinic").Country.ShouldBe("CO");
        clinics.Single(x => x.Name == "Medical Center Juventa").Programs
            .ShouldContain(p => p.Price == 5_350 && p.DiscountedPrice == 4_800 && p.LengthOfStayDays == 3);

        var registrations = await session.Events.QueryAllRawEvents().Where(x => x.EventTypeName == "clinic_registered").ToListAsync();
        registrations.Count.ShouldBe(10);
        registrations.ShouldAllBe(x => x.UserName == DemoContext.StaffUser);
    }

    [Fact]
    public async Task takes_every_seed_clinic_through_a_real_case_to_approval_with_labelled_demo_evidence()
    {
        await Load();

        await using var session = Store.QuerySession();
        var clinics = await session.Query<ClinicStanding>().ToListAsync();
        clinics.Count.ShouldBe(10);
        clinics.ShouldAllBe(x => x.Status == ClinicStatus.Approved && x.OpenRedFlags.Count() == 0);
        var cases = await session.Query<VettingCase>().ToListAsync();
        cases.Count.ShouldBe(10);
        cases.ShouldAllBe(x => x.Status == CaseStatus.Approved && x.DecidedBy == DemoContext.ApproverUser);
        cases.SelectMany(x => x.Checks).SelectMany(x => x.Evidence).Where(x => x.RecordedBy == DemoContext.StaffUser)
            .ShouldAllBe(x => x.Note!.StartsWith("[Demo evidence]"));
        var claims = await session.Query<ClinicClaims>().ToListAsync();
        claims.SelectMany(x => x.Licenses).ShouldAllBe(x => x.Number.StartsWith("DEMO-"));
    }

    [Fact]
    public async Task publishes_a_first_edition_with_the_ten_seed_clinics_through_the_real_workflow()
    {
        await Load();
        await CatchUpProjections();

        await using var session = Store.QuerySession();
        var edition = (await session.LoadAsync<RankingEdition>(1)).ShouldNotBeNull();
        edition.Lists.Overall.Count.ShouldBe(10);
        edition.ProposedBy.ShouldBe(DemoContext.StaffUser);
        edition.ApprovedBy.ShouldBe(DemoContext.ApproverUser);
        var feed = await Call(null, s => s.Get.Url("/api/public/rankings"));
        feed.ReadAsJson<PublicRankingList>()!.Entries.Count.ShouldBe(10);
    }

    [Fact]
    public async Task loading_again_after_a_restart_adds_nothing()
    {
        // A database of its own: the application stops and starts again on it, as it would on a server.
        var database = TestDatabase.Prepare("clinicvetting_demo_restart");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("drop schema if exists clinicvetting cascade", connection).ExecuteNonQueryAsync();
        }

        var lastStep = DemoData.Steps[^1].Name;
        IReadOnlyDictionary<string, long> loaded;
        IReadOnlyList<(string, DateTimeOffset)> markers;
        await using (var first = await AppFixture.StartHost(database, Fixture.Clock))
        {
            await Load(first);
            loaded = await Contents(first);
            markers = await Markers(first);
            // As if the process had died after the last step's work but before its marker was written.
            await using (var session = first.Services.GetRequiredService<IDocumentStore>().LightweightSession())
            {
                session.Delete<DemoDataMarker>(lastStep);
                await session.SaveChangesAsync();
            }

            await first.StopAsync();
        }

        Fixture.Clock.Advance(TimeSpan.FromHours(1));
        await using var restarted = await AppFixture.StartHost(database, Fixture.Clock, new Dictionary<string, string> { ["ClinicVetting:LoadDemoData"] = "true" });
        await Settled(restarted);

        loaded["document ClinicProfile"].ShouldBe(10);
        loaded["event review_submitted"].ShouldBe(10 * SeedReviews.PerClinic);
        loaded["document RankingEdition"].ShouldBe(1);
        markers.Count.ShouldBe(DemoData.Steps.Count);
        (await Contents(restarted)).ShouldBe(loaded);
        var remarked = await Markers(restarted);
        remarked.ShouldContain((lastStep, Fixture.Clock.Now), "the restarted application ran the loader, and the step whose marker was lost again");
        remarked.Where(x => x.Item1 != lastStep).ShouldBe(markers.Where(x => x.Item1 != lastStep), "the steps with a marker were skipped");
    }

    [Fact]
    public async Task every_seed_clinic_gets_labelled_reviews_that_screening_publishes_enough_of_to_rank()
    {
        await Load();

        await using var session = Store.QuerySession();
        var reviews = await session.Query<Review>().ToListAsync();
        reviews.Count.ShouldBe(10 * SeedReviews.PerClinic);
        reviews.ShouldAllBe(x => x.Text.StartsWith(SeedReviews.TextPrefix) && x.BookingId.StartsWith(SeedReviews.BookingPrefix));
        foreach (var clinic in reviews.GroupBy(x => x.ClinicId))
        {
            var published = clinic.Where(x => x.Status == ReviewStatus.Published && x.Verified).ToList();
            published.Count.ShouldBeGreaterThanOrEqualTo(8);
            published.Select(x => x.Rating).Distinct().Count().ShouldBeGreaterThan(1);
            clinic.Count(x => x.Status == ReviewStatus.Held).ShouldBe(1, "the unverified one waits for moderation");
        }

        var submissions = await session.Events.QueryAllRawEvents().Where(x => x.EventTypeName == "review_submitted").ToListAsync();
        submissions.ShouldAllBe(x => x.UserName == DemoContext.BookingUser);
    }

    [Fact]
    public async Task an_interrupted_load_completes_without_duplicates()
    {
        await Host.Services.GetRequiredService<Wolverine.IMessageBus>()
            .InvokeAsync<ClinicVersion>(new RegisterClinic(Guid.NewGuid(), SeedClinics.Clinics[3]));

        await Load();

        await using var session = Store.QuerySession();
        (await session.Query<ClinicProfile>().CountAsync()).ShouldBe(10);
    }
}
